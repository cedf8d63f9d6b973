/**
 * A map from a hex key (the hash of the request that produced a result) to a JSON value: what "never pay twice for
 * a finished case" needs. On the local disk by default (keyedCache.ts), in the artifact bucket when the artifact
 * store is S3 (s3KeyedCache.ts), so a result paid for on one host is found on every other.
 */
export interface ResultCache {
  readonly namespace: string;
  /** The stored value; undefined when there is none, or when it cannot be read (the caller computes it again). */
  get<T>(key: string): Promise<T | undefined>;
  /** Stores a value whole or not at all: a reader never sees part of an entry. */
  put(key: string, value: unknown): Promise<void>;
  /** Entries stored (for tests and diagnostics). */
  count(): Promise<number>;
}
