import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { failure } from '../../core/failures/failure';
import { Failure } from '../../core/failures/failureTypes';
import { S3ArtifactStore } from '../artifacts/s3ArtifactStore';
import { cacheRoot } from '../cache/keyedCache';
import { readNamed, writeNamed } from '../cache/s3NamedObjects';
import { artifactStore } from '../processStores';

/**
 * RAG indexes across hosts. An index is built in a directory on the building worker's disk (its LanceDB table is
 * the build's resumable state); when the artifact store is S3, the finished directory is published as a snapshot:
 * every file a content-addressed artifact, and a JSON list of them (path, sha256, bytes), itself an artifact, whose
 * sha256 names that version of the index. A pointer object, `<prefix>/indexes/<sha256 of the directory's path>.json`,
 * says which snapshot the directory (the name every host's suite uses) holds now. A reader on another host fetches
 * the snapshot once into `<cache>/indexes/<snapshot sha256>` (every file checked against its hash, the folder renamed
 * into place whole) and opens it there; snapshots never change, so that copy is never stale, and a reader keeps the
 * version it opened while the index is rebuilt.
 */

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const IndexSnapshotSchema = z
  .object({
    format: z.literal('tailor-rag-snapshot/1'),
    files: z.array(z.object({ path: z.string().min(1), sha256: hex64, bytes: z.number().int().min(0) }).strict()),
  })
  .strict();
export type IndexSnapshot = z.infer<typeof IndexSnapshotSchema>;

const PointerSchema = z.object({ dir: z.string(), manifestSha256: hex64, snapshot: hex64 }).strict();

/** The S3 store indexes are published to, or undefined when artifacts stay on the local disk. */
function bucketStore(env: NodeJS.ProcessEnv): S3ArtifactStore | undefined {
  const store = artifactStore(env);
  return store instanceof S3ArtifactStore ? store : undefined;
}

function pointerName(dir: string): string {
  return `indexes/${createHash('sha256').update(path.resolve(dir)).digest('hex')}.json`;
}

/** Files under `dir`, as sorted '/'-separated relative paths; temporary files of an unfinished write are left out. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.includes('.tmp-'))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/**
 * Publishes the finished index in `dir` (S3 only; undefined with the local disk store, where every host shares the
 * directory). Files the bucket already holds (unchanged since an earlier build) are not uploaded again.
 */
export async function publishIndex(
  dir: string,
  manifestSha256: string,
  onFile: () => void = () => undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ArtifactRef | undefined> {
  const store = bucketStore(env);
  if (!store) return undefined;
  const files: IndexSnapshot['files'] = [];
  for (const rel of filesUnder(dir)) {
    const ref = await store.putFile(path.join(dir, rel));
    files.push({ path: rel, sha256: ref.sha256, bytes: ref.bytes });
    onFile();
  }
  const snapshot: IndexSnapshot = { format: 'tailor-rag-snapshot/1', files };
  const ref = await store.put(JSON.stringify(snapshot), { name: 'rag-index-snapshot.json', count: files.length });
  const pointer = { dir: path.resolve(dir), manifestSha256, snapshot: ref.sha256 };
  await writeNamed(store, pointerName(dir), JSON.stringify(pointer));
  return ref;
}

/**
 * The directory this host reads the index `dir` from: `dir` itself with the local disk store, or when the bucket
 * has never had it published; otherwise the local copy of its latest snapshot, fetched on first use.
 */
export async function indexOnThisHost(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const store = bucketStore(env);
  if (!store) return dir;
  const pointer = await readPointer(store, dir);
  return pointer ? materialise(store, pointer.snapshot) : dir;
}

/**
 * Before a build on a host whose `dir` holds nothing yet: copies the latest published snapshot into it, so the build
 * embeds only what changed since, wherever the last one ran. False when there was nothing to copy.
 */
export async function seedIndexFromStore(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const store = bucketStore(env);
  if (!store || (fs.existsSync(dir) && fs.readdirSync(dir).length > 0)) return false;
  const pointer = await readPointer(store, dir);
  if (!pointer) return false;
  const local = await materialise(store, pointer.snapshot);
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.cpSync(local, tmp, { recursive: true });
    fs.rmSync(dir, { recursive: true, force: true }); // empty (checked above)
    fs.renameSync(tmp, dir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return true;
}

async function readPointer(store: S3ArtifactStore, dir: string): Promise<z.infer<typeof PointerSchema> | undefined> {
  const name = pointerName(dir);
  const text = await readNamed(store, name);
  if (text === undefined) return undefined;
  try {
    return PointerSchema.parse(JSON.parse(text));
  } catch {
    throw failure(
      Failure.ArtifactCorrupted,
      `artifact store ${store.location}: the index pointer ${name} (for ${dir}) is not valid JSON of the expected ` +
        'shape; build the index again to rewrite it',
    );
  }
}

/** Fetches snapshot `sha256` into this host's cache (once), every file verified; returns the folder. */
async function materialise(store: S3ArtifactStore, sha256: string): Promise<string> {
  const dest = path.join(cacheRoot(), 'indexes', sha256);
  if (fs.existsSync(dest)) return dest;
  const parsed = IndexSnapshotSchema.safeParse(await store.readJson({ sha256 }));
  if (!parsed.success) {
    throw failure(
      Failure.ArtifactCorrupted,
      `artifact store ${store.location}: index snapshot ${sha256} is not a snapshot ` +
        `(${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message})`,
    );
  }
  const tmp = `${dest}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    for (const file of parsed.data.files) {
      const target = path.resolve(tmp, file.path);
      if (!target.startsWith(tmp + path.sep)) {
        throw failure(
          Failure.ArtifactCorrupted,
          `artifact store ${store.location}: index snapshot ${sha256} names a file outside the index: ${file.path}`,
        );
      }
      fs.mkdirSync(path.dirname(target), { recursive: true });
      await pipeline(await store.openRead(file), fs.createWriteStream(target));
    }
    fs.mkdirSync(tmp, { recursive: true });
    try {
      fs.renameSync(tmp, dest);
    } catch (err) {
      if (!fs.existsSync(dest)) throw err; // otherwise another process put the same snapshot there first
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return dest;
}
