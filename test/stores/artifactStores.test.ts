import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  CreateBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { openArtifactStore, type ArtifactBackend } from '../../stores/artifacts/artifactBackend';
import { ArtifactStore } from '../../stores/artifacts/artifactStore';
import { S3ArtifactStore, s3ClientConfig } from '../../stores/artifacts/s3ArtifactStore';
import { freePort } from './support/freePort';
import { startMoto, type MotoServer } from './support/motoServer';

// One contract, two backends: the local disk (the default) and S3 on a real moto server (authentication on).
let moto: MotoServer;
let tmp: string;
let bucketNo = 0;

function s3Env(over: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: moto.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.secretAccessKey,
    ...over,
  };
}

function adminClient(): S3Client {
  return new S3Client(s3ClientConfig(s3Env()));
}

/** A fresh bucket and cache per store, so one test's objects never satisfy another's. */
async function freshS3(prefix = 'team/artifacts'): Promise<S3ArtifactStore> {
  const bucket = `tailor-${++bucketNo}-${randomBytes(3).toString('hex')}`;
  await adminClient().send(new CreateBucketCommand({ Bucket: bucket }));
  const env = s3Env({ TAILOR_ARTIFACTS: `s3://${bucket}/${prefix}` });
  const store = openArtifactStore(env);
  expect(store).toBeInstanceOf(S3ArtifactStore);
  return new S3ArtifactStore((store as S3ArtifactStore).where, {
    env,
    cache: new ArtifactStore(fs.mkdtempSync(path.join(tmp, 'cache-'))),
  });
}

function freshDisk(): ArtifactStore {
  return new ArtifactStore(fs.mkdtempSync(path.join(tmp, 'disk-')));
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function streamSha(store: ArtifactBackend, ref: { sha256: string }): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of await store.openRead(ref)) h.update(chunk as Buffer);
  return h.digest('hex');
}

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

// A collector on demand, to sample live (not yet collected) memory.
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Whether live heap + Buffer memory rose `limit` bytes above the starting point while `fn` ran. Sampled every 20 ms;
 * a sample over the limit is taken again after a full collection, so only memory still referenced counts (forcing a
 * collection on every sample would slow the run down to a crawl).
 */
async function exceededDuring(limit: number, fn: () => Promise<void>): Promise<number | undefined> {
  const live = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  gc();
  const base = live();
  let over: number | undefined;
  const timer = setInterval(() => {
    if (over !== undefined || live() - base < limit) return;
    gc();
    if (live() - base >= limit) over = live() - base;
  }, 20);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return over;
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-artifact-stores-'));
  moto = await startMoto();
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe.each([
  ['disk', async (): Promise<ArtifactBackend> => freshDisk()],
  ['s3', async (): Promise<ArtifactBackend> => freshS3()],
])('artifact store contract: %s', (_kind, open) => {
  test('text round-trips under its sha256; the same content twice is one artifact', async () => {
    const store = await open();
    const text = '{"a":1}\n{"b":"é"}\n';
    const ref = await store.put(text, { name: 'x.jsonl', count: 2 });
    expect(ref).toEqual({
      uri: `artifact:sha256:${sha(text)}`,
      sha256: sha(text),
      bytes: Buffer.byteLength(text),
      name: 'x.jsonl',
      count: 2,
    });
    expect(await store.put(Buffer.from(text))).toMatchObject({ sha256: ref.sha256 });
    expect(await store.readText(ref)).toBe(text);
    expect(await store.has(ref)).toBe(true);
    expect(await store.has({ sha256: sha('never stored') })).toBe(false);
    expect(await store.readJson(await store.put('{"k":[1,2]}'))).toEqual({ k: [1, 2] });
  });

  test('a 20 MB file is streamed in and out; its local path holds the same bytes', async () => {
    const store = await open();
    const file = path.join(tmp, `big-${randomBytes(4).toString('hex')}.bin`);
    const bytes = randomBytes(20 * 1024 * 1024 + 123);
    fs.writeFileSync(file, bytes);
    const ref = await store.putFile(file, { name: 'big.bin' });
    expect(ref).toMatchObject({ sha256: sha(bytes), bytes: bytes.length, name: 'big.bin' });
    expect(await streamSha(store, ref)).toBe(sha(bytes));
    const local = await store.localPath(ref);
    expect(sha(fs.readFileSync(local))).toBe(sha(bytes));
    expect(await store.putFile(file)).toMatchObject({ sha256: ref.sha256 }); // stored once
  });

  test('a 128 MB file goes in and out with live memory far below its size (streamed, not buffered)', async () => {
    const store = await open();
    const file = path.join(tmp, `huge-${randomBytes(4).toString('hex')}.bin`);
    const fd = fs.openSync(file, 'w');
    for (let i = 0; i < 128; i++) fs.writeSync(fd, randomBytes(1024 * 1024));
    fs.closeSync(fd);
    const over = await exceededDuring(64 * 1024 * 1024, async () => {
      const ref = await store.putFile(file);
      expect(await streamSha(store, ref)).toBe(ref.sha256);
    });
    fs.rmSync(file);
    expect(over).toBeUndefined();
  });

  test('a missing artifact is an error, not empty content', async () => {
    const store = await open();
    await expect(store.readText({ sha256: sha('absent') })).rejects.toThrow();
    await expect(store.openRead({ sha256: sha('absent') })).rejects.toThrow();
  });
});

describe('S3 artifact store', () => {
  test('TAILOR_ARTIFACTS unset is the disk store; a malformed value names the variable', () => {
    expect(openArtifactStore({})).toBeInstanceOf(ArtifactStore);
    expect(() => openArtifactStore({ TAILOR_ARTIFACTS: 'http://bucket/x' })).toThrow(
      /TAILOR_ARTIFACTS: 'http:\/\/bucket\/x' is not s3:\/\/bucket\/prefix/,
    );
  });

  test('keys are content-addressed under the prefix; a large file is a multipart upload', async () => {
    const store = await freshS3('a/b/');
    const ref = await store.put('hello');
    const file = path.join(tmp, 'multi.bin');
    fs.writeFileSync(file, randomBytes(17 * 1024 * 1024));
    const big = await store.putFile(file);
    const listed = await adminClient().send(new ListObjectsV2Command({ Bucket: store.where.bucket }));
    const keys = (listed.Contents ?? []).map((o) => o.Key).sort();
    expect(keys).toEqual(
      [`a/b/${ref.sha256.slice(0, 2)}/${ref.sha256}`, `a/b/${big.sha256.slice(0, 2)}/${big.sha256}`].sort(),
    );
    const bigObject = (listed.Contents ?? []).find((o) => o.Key?.endsWith(big.sha256));
    expect(bigObject?.ETag).toMatch(/-3"?$/); // three 8 MB parts: S3's ETag of a multipart upload ends in -<parts>
  });

  test('a corrupted object fails every read with ArtifactCorrupted (not retryable), naming the key', async () => {
    const store = await freshS3();
    const ref = await store.put('the real content\n');
    const Key = store.keyFor(ref.sha256);
    await adminClient().send(new PutObjectCommand({ Bucket: store.where.bucket, Key, Body: 'tampered content\n' }));
    for (const read of [() => store.readText(ref), () => store.localPath(ref), () => streamSha(store, ref)]) {
      const f = await failureOf(read());
      expect(f.type).toBe('ArtifactCorrupted');
      expect(f.nonRetryable).toBe(true);
      expect(f.message).toContain(Key);
    }
    expect(fs.existsSync(store.cache.pathFor(ref.sha256))).toBe(false); // no unverified local copy
    expect(fs.readdirSync(store.cache.root, { recursive: true }).filter((f) => String(f).includes('.tmp-'))).toEqual(
      [],
    );
  });

  test('an upload failing midway leaves nothing under the key and no parts behind (retryable)', async () => {
    const store = await freshS3();
    let parts = 0;
    store.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UploadPartCommand' && ++parts === 2) {
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'failSecondPart' },
    );
    const file = path.join(tmp, 'interrupted.bin');
    const bytes = randomBytes(20 * 1024 * 1024);
    fs.writeFileSync(file, bytes);
    const f = await failureOf(store.putFile(file));
    expect(f.type).toBe('ArtifactStoreUnavailable');
    expect(f.nonRetryable).toBe(false);
    expect(await store.has({ sha256: sha(bytes) })).toBe(false);
    const uploads = await adminClient().send(new ListMultipartUploadsCommand({ Bucket: store.where.bucket }));
    expect(uploads.Uploads ?? []).toEqual([]);
  });

  test('a file changed while it is uploaded is refused, and no object is left under either hash', async () => {
    const store = await freshS3();
    const file = path.join(tmp, 'changing.bin');
    const before = randomBytes(24 * 1024 * 1024);
    fs.writeFileSync(file, before);
    // Once the upload starts (after the hashing pass), the file's last megabyte changes: the upload has not read it.
    store.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'CreateMultipartUploadCommand') {
          const fd = fs.openSync(file, 'r+');
          fs.writeSync(fd, randomBytes(1024 * 1024), 0, 1024 * 1024, before.length - 1024 * 1024);
          fs.closeSync(fd);
        }
        return next(args);
      },
      { step: 'initialize', name: 'changeFileMidUpload' },
    );
    const f = await failureOf(store.putFile(file));
    expect(f.type).toBe('ArtifactStoreError');
    expect(f.message).toContain('changed while it was stored');
    expect(await store.has({ sha256: sha(before) })).toBe(false);
    expect(await store.has({ sha256: sha(fs.readFileSync(file)) })).toBe(false);
  });

  test('an unreachable endpoint is retryable; it names the store', async () => {
    const port = await freePort();
    const env = s3Env({ AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` });
    const store = new S3ArtifactStore({ bucket: 'tailor-nowhere', prefix: 'p' }, { env, cache: freshDisk() });
    const f = await failureOf(store.put('x'));
    expect(f.type).toBe('ArtifactStoreUnavailable');
    expect(f.nonRetryable).toBe(false);
    expect(f.message).toMatch(/s3:\/\/tailor-nowhere\/p.*ECONNREFUSED/);
  });

  test('wrong credentials are not retryable, and the secret is never in the message', async () => {
    const good = await freshS3();
    const wrongSecret = `wrong-${randomBytes(8).toString('hex')}`;
    for (const over of [
      { AWS_SECRET_ACCESS_KEY: wrongSecret },
      { AWS_ACCESS_KEY_ID: ['AKIA', 'UNKNOWN000000000'].join(''), AWS_SECRET_ACCESS_KEY: wrongSecret },
    ]) {
      const env = s3Env(over);
      const store = new S3ArtifactStore(good.where, { env, cache: freshDisk() });
      const f = await failureOf(store.put('secret-free'));
      expect(f.type).toBe('ArtifactStoreAccessDenied');
      expect(f.nonRetryable).toBe(true);
      expect(f.message).toMatch(/HTTP 403.*check the AWS credentials/);
      expect(f.message).not.toContain(wrongSecret);
      expect(f.message).not.toContain(moto.secretAccessKey);
    }
  });

  test('a bucket that does not exist is a configuration error, not retried', async () => {
    const store = new S3ArtifactStore(
      { bucket: 'tailor-no-such-bucket', prefix: '' },
      { env: s3Env(), cache: freshDisk() },
    );
    const f = await failureOf(store.put('x'));
    expect(f.type).toBe('ArtifactStoreMisconfigured');
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toContain('NoSuchBucket');
  });
});
