import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3ArtifactStore } from '../artifacts/s3ArtifactStore';
import { s3Failure } from '../artifacts/s3Failures';

/**
 * Small JSON objects under a name (not a content hash) in the artifact bucket, beside the content-addressed
 * artifacts: cache entries and index pointers. A PUT is atomic in S3, so a reader sees the whole object or none.
 * Errors are classified as the artifact store's are (s3Failures.ts), naming the bucket and the key.
 */

/** The object key of `name` (a path relative to the store's prefix). */
export function namedKey(store: S3ArtifactStore, name: string): string {
  return `${store.where.prefix ? `${store.where.prefix}/` : ''}${name}`;
}

/** The object's text, or undefined when there is no such object. */
export async function readNamed(store: S3ArtifactStore, name: string): Promise<string | undefined> {
  const Key = namedKey(store, name);
  try {
    const got = await store.client.send(new GetObjectCommand({ Bucket: store.where.bucket, Key }));
    if (!got.Body) return '';
    return await got.Body.transformToString('utf8');
  } catch (err) {
    if (isNoSuchKey(err)) return undefined;
    throw s3Failure(store.location, `read ${Key}`, err);
  }
}

/** Writes the object in one PUT. */
export async function writeNamed(store: S3ArtifactStore, name: string, text: string): Promise<void> {
  const Key = namedKey(store, name);
  const Body = Buffer.from(text, 'utf8');
  try {
    await store.client.send(
      new PutObjectCommand({
        Bucket: store.where.bucket,
        Key,
        Body,
        ContentLength: Body.length,
        ContentType: 'application/json',
      }),
    );
  } catch (err) {
    throw s3Failure(store.location, `write ${Key}`, err);
  }
}

function isNoSuchKey(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || (e?.$metadata?.httpStatusCode === 404 && e?.name !== 'NoSuchBucket');
}
