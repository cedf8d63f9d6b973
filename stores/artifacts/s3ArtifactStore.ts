import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ApplicationFailure } from '@temporalio/common';
import { failure } from '../../core/failures/failure';
import { Failure } from '../../core/failures/failureTypes';
import { artifactUri, type ArtifactRef } from '../../core/artifacts/artifactRef';
import type { ArtifactBackend, ArtifactMeta } from './artifactBackend';
import { ArtifactStore } from './artifactStore';
import { s3Failure } from './s3Failures';

export interface S3Location {
  bucket: string;
  /** Without leading or trailing slashes; '' for the bucket's root. */
  prefix: string;
}

/** `s3://bucket/prefix` → its parts; anything else is an error naming the variable that held it. */
export function parseS3Location(spec: string, source: string): S3Location {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(spec);
  if (!m) throw new Error(`${source}: '${spec}' is not s3://bucket/prefix (a lower-case bucket name, 3-63 characters)`);
  const [, bucket = '', prefix = ''] = m;
  return { bucket, prefix: prefix.replace(/^\/+|\/+$/g, '') };
}

/** Parts of a multipart upload; files up to this size go in one PUT. */
const PART_BYTES = 8 * 1024 * 1024;

/**
 * Content-addressed artifacts in an S3 bucket (AWS, or any S3-compatible server: the endpoint comes from
 * AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, and a custom endpoint is addressed path-style). An object appears under
 * its sha256 whole or not at all: a single PUT is atomic and a multipart upload is invisible until completed, and the
 * key is only written once the content's hash is known. Every read is checked against the key: bytes that do not
 * hash to it fail with `ArtifactCorrupted` (not retryable), naming the key. Local copies (for tools that need a path)
 * are kept in the disk store under `TAILOR_HOME`, which serves as a verified cache.
 */
export class S3ArtifactStore implements ArtifactBackend {
  readonly location: string;
  readonly client: S3Client;

  readonly cache: ArtifactStore;
  private readonly env: NodeJS.ProcessEnv;

  /** `env` (default process.env) supplies the endpoint, region and credentials; `cache` the local copies. */
  constructor(
    readonly where: S3Location,
    options: { env?: NodeJS.ProcessEnv; client?: S3Client; cache?: ArtifactStore } = {},
  ) {
    this.env = options.env ?? process.env;
    this.location = `s3://${where.bucket}${where.prefix ? `/${where.prefix}` : ''}`;
    this.client = options.client ?? new S3Client(s3ClientConfig(this.env));
    this.cache = options.cache ?? new ArtifactStore();
  }

  private failure(action: string, err: unknown): ApplicationFailure {
    return s3Failure(this.location, action, err, this.env);
  }

  keyFor(sha256: string): string {
    return `${this.where.prefix ? `${this.where.prefix}/` : ''}${sha256.slice(0, 2)}/${sha256}`;
  }

  async has(ref: Pick<ArtifactRef, 'sha256'>): Promise<boolean> {
    const Key = this.keyFor(ref.sha256);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.where.bucket, Key }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw this.failure(`look up ${Key}`, err);
    }
  }

  async put(content: string | Buffer, meta: ArtifactMeta = {}): Promise<ArtifactRef> {
    const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const digest = createHash('sha256').update(buf);
    const sha256 = digest.copy().digest('hex');
    if (!(await this.has({ sha256 }))) {
      const Key = this.keyFor(sha256);
      try {
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.where.bucket,
            Key,
            Body: buf,
            ContentLength: buf.length,
            ChecksumSHA256: digest.digest('base64'),
            Metadata: { sha256 },
          }),
        );
      } catch (err) {
        throw this.failure(`write ${Key}`, err);
      }
    }
    return { uri: artifactUri(sha256), sha256, bytes: buf.length, ...meta };
  }

  /**
   * A file up to one part's size is read once and stored as `put` stores bytes. A larger one takes two streamed
   * passes: the first finds its sha256 (the key), the second uploads it in parts and hashes again, so a file changed
   * in between is caught, and the object it left under the key is deleted before the failure is reported.
   */
  async putFile(file: string, meta: ArtifactMeta = {}): Promise<ArtifactRef> {
    if ((await fs.stat(file)).size <= PART_BYTES) return this.put(await fs.readFile(file), meta);
    const first = await hashFile(file);
    if (!(await this.has(first))) {
      const Key = this.keyFor(first.sha256);
      const hashing = new HashingPassThrough();
      const upload = new Upload({
        client: this.client,
        params: {
          Bucket: this.where.bucket,
          Key,
          Body: createReadStream(file).pipe(hashing),
          Metadata: { sha256: first.sha256 },
        },
        partSize: PART_BYTES,
        queueSize: 4,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (err) {
        throw this.failure(`write ${Key} (storing ${file})`, err);
      }
      if (hashing.sha256() !== first.sha256) {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.where.bucket, Key })).catch(() => undefined);
        throw failure(
          Failure.ArtifactStoreError,
          `artifact store ${this.location}: ${file} changed while it was stored`,
        );
      }
    }
    return { uri: artifactUri(first.sha256), sha256: first.sha256, bytes: first.bytes, ...meta };
  }

  async openRead(ref: Pick<ArtifactRef, 'sha256'>): Promise<Readable> {
    const Key = this.keyFor(ref.sha256);
    let body: Readable;
    try {
      const got = await this.client.send(new GetObjectCommand({ Bucket: this.where.bucket, Key }));
      body = got.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) {
        throw failure(Failure.ArtifactMissing, `artifact store ${this.location}: no artifact ${Key}`);
      }
      throw this.failure(`read ${Key}`, err);
    }
    const verify = new VerifyingPassThrough(ref.sha256, `${this.location} key ${Key}`);
    body.on('error', (err) => verify.destroy(this.failure(`read ${Key}`, err)));
    return body.pipe(verify);
  }

  async readText(ref: Pick<ArtifactRef, 'sha256'>): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.openRead(ref)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async readJson<T = unknown>(ref: Pick<ArtifactRef, 'sha256'>): Promise<T> {
    return JSON.parse(await this.readText(ref)) as T;
  }

  /** Fetched once into the local cache (streamed, verified, renamed into place), then served from there. */
  async localPath(ref: Pick<ArtifactRef, 'sha256'>): Promise<string> {
    const dest = this.cache.pathFor(ref.sha256);
    if (await exists(dest)) return dest;
    await fs.mkdir(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await pipeline(await this.openRead(ref), createWriteStream(tmp));
      await fs.rename(tmp, dest);
    } finally {
      await fs.rm(tmp, { force: true });
    }
    return dest;
  }
}

/** The standard AWS environment; a custom endpoint (an S3-compatible server) is addressed path-style. */
export function s3ClientConfig(env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const {
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_SESSION_TOKEN: sessionToken,
  } = env;
  return {
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    // From `env` when it holds keys; otherwise the SDK's own chain (shared config files, SSO, instance roles, ...).
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, sessionToken } } : {}),
    maxAttempts: 3,
  };
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e?.name === 'NotFound' ||
    e?.name === 'NoSuchKey' ||
    (e?.$metadata?.httpStatusCode === 404 && e?.name !== 'NoSuchBucket')
  );
}

async function hashFile(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Passes bytes through, hashing them. */
class HashingPassThrough extends Transform {
  private readonly hash = createHash('sha256');
  private digest: string | undefined;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    done(null, chunk);
  }

  sha256(): string {
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }
}

/** Passes bytes through and fails, before the stream ends, when they do not hash to the expected sha256. */
class VerifyingPassThrough extends HashingPassThrough {
  constructor(
    private readonly expected: string,
    private readonly what: string,
  ) {
    super();
  }

  override _flush(done: TransformCallback): void {
    const got = this.sha256();
    if (got === this.expected) return done();
    done(
      failure(
        Failure.ArtifactCorrupted,
        `artifact store ${this.what}: corrupted, its bytes hash to sha256 ${got}; the object must be deleted and the ` +
          'artifact stored again',
      ),
    );
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
