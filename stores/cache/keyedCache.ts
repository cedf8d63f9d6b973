import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { tailorHome } from '../../config/paths';
import { S3ArtifactStore } from '../artifacts/s3ArtifactStore';
import { artifactStore } from '../processStores';
import type { ResultCache } from './resultCache';
import { S3KeyedCache } from './s3KeyedCache';

/** Where keyed caches live: `TAILOR_CACHE_DIR`, default `<TAILOR_HOME>/cache` (next to the artifact store). */
export function cacheRoot(): string {
  return process.env.TAILOR_CACHE_DIR ? path.resolve(process.env.TAILOR_CACHE_DIR) : path.join(tailorHome(), 'cache');
}

/**
 * A small on-disk map from a hex key to a JSON value, one file per entry. The artifact store addresses content by
 * its own hash; this addresses a result by the hash of what produced it (core/evalSuite/cacheKeys.ts), which is
 * what "never pay twice for a finished case" needs. Writes are a temp file and a rename, so a worker killed
 * mid-write leaves no entry rather than a broken one; entries are never overwritten with different content
 * because equal keys mean equal requests.
 */
export class KeyedCache implements ResultCache {
  readonly dir: string;
  constructor(
    readonly namespace: string,
    root: string = cacheRoot(),
  ) {
    this.dir = path.join(root, namespace);
  }

  pathFor(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get<T>(key: string): Promise<T | undefined> {
    try {
      return JSON.parse(await fs.readFile(this.pathFor(key), 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      if (err instanceof SyntaxError) return undefined; // unreadable entry (disk trouble): recompute it
      throw err;
    }
  }

  async put(key: string, value: unknown): Promise<void> {
    const dest = this.pathFor(key);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await fs.writeFile(tmp, JSON.stringify(value));
      await fs.rename(tmp, dest);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  /** Entries stored (for tests and `tailor eval --json` diagnostics). */
  async count(): Promise<number> {
    let n = 0;
    let shards: string[];
    try {
      shards = await fs.readdir(this.dir);
    } catch {
      return 0;
    }
    for (const s of shards) n += (await fs.readdir(path.join(this.dir, s))).filter((f) => f.endsWith('.json')).length;
    return n;
  }
}

/**
 * The cache `namespace` this process is configured for: on the local disk, or, when TAILOR_ARTIFACTS names a
 * bucket, in the bucket (shared by every host) with this host's disk as a read-through copy.
 */
export function openResultCache(namespace: string, env: NodeJS.ProcessEnv = process.env): ResultCache {
  const store = artifactStore(env);
  if (!(store instanceof S3ArtifactStore)) return new KeyedCache(namespace);
  const { bucket, prefix } = store.where;
  return new S3KeyedCache(namespace, store, new KeyedCache(namespace, path.join(cacheRoot(), 's3', bucket, prefix)));
}

/** The caches evaluation uses. */
export const completionCache = () => openResultCache('eval/completions');
export const gradeCache = () => openResultCache('eval/grades');
export const embeddingCache = () => openResultCache('embeddings');
