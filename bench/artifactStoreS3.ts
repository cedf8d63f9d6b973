/**
 * The S3 artifact store's throughput against a real S3-compatible server (moto, started here on loopback; installed
 * by `npm run setup:stores`), next to a plain AWS SDK loop over the same files in the same run:
 *
 * - write: `S3ArtifactStore.putFile` (hash, HEAD, then one PUT, or above 8 MB a second streamed pass as a multipart
 *   upload of 8 MB parts) against one `PutObject` per file, the file read into memory (the SDK's streamed PUT of a
 *   large body is chunk-encoded, which moto takes at about 1 MB/s: no fair anchor);
 * - read: `openRead` drained (every byte hashed and checked against the key) against `GetObject` drained.
 *
 * Two shapes: many 1 MB files (per-request overhead dominates) and one large file (multipart). Each figure is the
 * median of three rounds, each round on fresh random files so nothing is deduplicated; the anchor runs first in
 * odd rounds and second in even ones.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ArtifactStore } from '../stores/artifacts/artifactStore';
import { S3ArtifactStore, s3ClientConfig } from '../stores/artifacts/s3ArtifactStore';
import { startMoto } from '../test/stores/support/motoServer';
import { median } from './stats';

const SMALL_FILES = Number(process.env.TAILOR_BENCH_S3_FILES ?? 32);
const LARGE_MB = Number(process.env.TAILOR_BENCH_S3_LARGE_MB ?? 64);
const ROUNDS = 3;
const MB = 1024 * 1024;

interface Rates {
  write: number;
  read: number;
}

function fmt(n: number, digits = 1): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function drain(stream: Readable): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += (chunk as Buffer).length;
  return bytes;
}

function makeFiles(dir: string, count: number, bytes: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const file = path.join(dir, `f-${randomBytes(4).toString('hex')}-${i}`);
    fs.writeFileSync(file, randomBytes(bytes));
    return file;
  });
}

async function timeMs(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function tailorRound(store: S3ArtifactStore, files: string[], totalMb: number): Promise<Rates> {
  const refs: { sha256: string }[] = [];
  const writeMs = await timeMs(async () => {
    for (const f of files) refs.push(await store.putFile(f));
  });
  const readMs = await timeMs(async () => {
    for (const ref of refs) await drain(await store.openRead(ref));
  });
  return { write: totalMb / (writeMs / 1000), read: totalMb / (readMs / 1000) };
}

async function sdkRound(client: S3Client, bucket: string, files: string[], totalMb: number): Promise<Rates> {
  const key = (f: string) => `anchor/${path.basename(f)}`;
  const writeMs = await timeMs(async () => {
    for (const f of files) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key(f), Body: fs.readFileSync(f) }));
    }
  });
  const readMs = await timeMs(async () => {
    for (const f of files) {
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key(f) }));
      await drain(got.Body as Readable);
    }
  });
  return { write: totalMb / (writeMs / 1000), read: totalMb / (readMs / 1000) };
}

async function shape(
  dir: string,
  store: S3ArtifactStore,
  client: S3Client,
  count: number,
  bytes: number,
): Promise<{ tailor: Rates; sdk: Rates }> {
  const tailor: Rates[] = [];
  const sdk: Rates[] = [];
  const totalMb = (count * bytes) / MB;
  for (let round = 0; round < ROUNDS; round++) {
    const files = makeFiles(dir, count, bytes);
    if (round % 2 === 0) {
      sdk.push(await sdkRound(client, store.where.bucket, files, totalMb));
      tailor.push(await tailorRound(store, files, totalMb));
    } else {
      tailor.push(await tailorRound(store, files, totalMb));
      sdk.push(await sdkRound(client, store.where.bucket, files, totalMb));
    }
    for (const f of files) fs.rmSync(f);
  }
  const med = (xs: Rates[]) => ({ write: median(xs.map((x) => x.write)), read: median(xs.map((x) => x.read)) });
  return { tailor: med(tailor), sdk: med(sdk) };
}

export async function benchArtifactStoreS3(): Promise<{ name: string; lines: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-s3-'));
  const moto = await startMoto();
  try {
    const env = {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: moto.accessKeyId,
      AWS_SECRET_ACCESS_KEY: moto.secretAccessKey,
    };
    const client = new S3Client(s3ClientConfig(env));
    const bucket = 'tailor-bench';
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const store = new S3ArtifactStore({ bucket, prefix: 'tailor' }, { env, cache: new ArtifactStore(dir) });
    const small = await shape(dir, store, client, SMALL_FILES, MB);
    const large = await shape(dir, store, client, 1, LARGE_MB * MB);
    const line = (what: string, t: number, a: number, anchor: string) =>
      `${what}: ${fmt(t)} MB/s vs anchor ${anchor} ${fmt(a)} MB/s (ratio ${fmt(t / a, 2)})`;
    return {
      name: 'artifact-s3',
      lines: [
        `moto ${moto.endpoint} on loopback, median of ${ROUNDS} rounds, fresh random files each round`,
        line(`write ${SMALL_FILES} x 1 MB (putFile)`, small.tailor.write, small.sdk.write, 'SDK PutObject loop'),
        line(
          `read ${SMALL_FILES} x 1 MB (openRead, sha256 checked)`,
          small.tailor.read,
          small.sdk.read,
          'SDK GetObject',
        ),
        line(`write 1 x ${LARGE_MB} MB (multipart, 8 MB parts)`, large.tailor.write, large.sdk.write, 'SDK PutObject'),
        line(`read 1 x ${LARGE_MB} MB (openRead, sha256 checked)`, large.tailor.read, large.sdk.read, 'SDK GetObject'),
      ],
    };
  } finally {
    await moto.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
