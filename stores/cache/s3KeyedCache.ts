import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3ArtifactStore } from '../artifacts/s3ArtifactStore';
import { s3Failure } from '../artifacts/s3Failures';
import type { ResultCache } from './resultCache';
import { namedKey, readNamed, writeNamed } from './s3NamedObjects';

/**
 * A result cache in the artifact bucket: one object per entry, `<prefix>/cache/<namespace>/<key>.json`, so a case
 * finished on one host is a hit on every other. Each entry is one PUT (atomic: never half an entry). `local` (a
 * disk cache under this host's TAILOR_HOME) is read first and filled on every write and every remote hit: entries
 * never change (equal keys mean equal requests), so a local copy is never stale. A missing entry is undefined; one
 * that does not parse is undefined too (the caller computes it again and overwrites it); a store that cannot be
 * reached or refuses the credentials fails with the artifact store's classified failures.
 */
export class S3KeyedCache implements ResultCache {
  constructor(
    readonly namespace: string,
    private readonly store: S3ArtifactStore,
    private readonly local: ResultCache,
  ) {}

  private nameFor(key: string): string {
    if (!/^[0-9A-Za-z_-]+$/.test(key)) throw new Error(`cache ${this.namespace}: '${key}' is not a cache key`);
    return `cache/${this.namespace}/${key}.json`;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const near = await this.local.get<T>(key);
    if (near !== undefined) return near;
    const text = await readNamed(this.store, this.nameFor(key));
    if (text === undefined) return undefined;
    let value: T;
    try {
      value = JSON.parse(text) as T;
    } catch {
      return undefined; // unreadable entry: recompute it (the new value overwrites it)
    }
    await this.local.put(key, value).catch(() => undefined); // the bucket holds it; the local copy only saves a GET
    return value;
  }

  async put(key: string, value: unknown): Promise<void> {
    await writeNamed(this.store, this.nameFor(key), JSON.stringify(value));
    await this.local.put(key, value).catch(() => undefined);
  }

  async count(): Promise<number> {
    const Prefix = namedKey(this.store, `cache/${this.namespace}/`);
    let n = 0;
    let token: string | undefined;
    try {
      do {
        const page = await this.store.client.send(
          new ListObjectsV2Command({ Bucket: this.store.where.bucket, Prefix, ContinuationToken: token }),
        );
        n += (page.Contents ?? []).filter((o) => o.Key?.endsWith('.json')).length;
        token = page.NextContinuationToken;
      } while (token);
    } catch (err) {
      throw s3Failure(this.store.location, `list ${Prefix}`, err);
    }
    return n;
  }
}
