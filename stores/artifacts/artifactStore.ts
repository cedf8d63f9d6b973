import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { artifactsDir } from '../../config/paths';
import { artifactUri, type ArtifactRef } from '../../core/artifacts/artifactRef';
import type { ArtifactBackend } from './artifactBackend';
import { injectWriteFault } from './artifactWriteFaults';

/**
 * A content-addressed store on the local disk. Writes go to a temporary file and are renamed into place, so a crash
 * or a full disk never leaves a half-written artifact under a valid address.
 */
export class ArtifactStore implements ArtifactBackend {
  constructor(readonly root: string = artifactsDir()) {}

  get location(): string {
    return this.root;
  }

  pathFor(sha256: string): string {
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }

  resolve(ref: Pick<ArtifactRef, 'sha256'>): string {
    return this.pathFor(ref.sha256);
  }

  /** Stores bytes or text; `count` is recorded in the ref (e.g. JSONL lines). */
  async put(content: string | Buffer, meta: { name?: string; count?: number } = {}): Promise<ArtifactRef> {
    const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const sha256 = createHash('sha256').update(buf).digest('hex');
    const dest = this.pathFor(sha256);
    if (!(await exists(dest))) {
      await fs.mkdir(path.dirname(dest), { recursive: true });
      const tmp = `${dest}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
      try {
        await injectWriteFault(tmp, meta.name);
        await fs.writeFile(tmp, buf);
        await fs.rename(tmp, dest);
      } catch (err) {
        await fs.rm(tmp, { force: true });
        throw writeFailed(dest, err);
      }
    }
    return { uri: artifactUri(sha256), sha256, bytes: buf.length, ...meta };
  }

  /** Stores a file already on disk (streamed, so any size works): hashed while copied, then renamed into place. */
  async putFile(file: string, meta: { name?: string; count?: number } = {}): Promise<ArtifactRef> {
    await fs.mkdir(this.root, { recursive: true });
    const tmp = path.join(this.root, `.incoming-${process.pid}-${randomBytes(4).toString('hex')}`);
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      await injectWriteFault(tmp, meta.name);
      const out = await fs.open(tmp, 'w');
      try {
        for await (const chunk of createReadStream(file)) {
          const b = chunk as Buffer;
          hash.update(b);
          bytes += b.length;
          await out.write(b);
        }
      } finally {
        await out.close();
      }
      const sha256 = hash.digest('hex');
      const dest = this.pathFor(sha256);
      await fs.mkdir(path.dirname(dest), { recursive: true });
      if (await exists(dest)) await fs.rm(tmp, { force: true });
      else await fs.rename(tmp, dest);
      return { uri: artifactUri(sha256), sha256, bytes, ...meta };
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw writeFailed(`${tmp} (storing ${file})`, err);
    }
  }

  async has(ref: Pick<ArtifactRef, 'sha256'>): Promise<boolean> {
    return exists(this.resolve(ref));
  }

  async openRead(ref: Pick<ArtifactRef, 'sha256'>): Promise<Readable> {
    const file = this.resolve(ref);
    await fs.access(file); // a missing artifact fails here, not on the stream's first read
    return createReadStream(file);
  }

  async localPath(ref: Pick<ArtifactRef, 'sha256'>): Promise<string> {
    return this.resolve(ref);
  }

  async readText(ref: Pick<ArtifactRef, 'sha256'>): Promise<string> {
    return fs.readFile(this.resolve(ref), 'utf8');
  }

  async readJson<T = unknown>(ref: Pick<ArtifactRef, 'sha256'>): Promise<T> {
    return JSON.parse(await this.readText(ref)) as T;
  }
}

/**
 * A failed write names the path and keeps the system's code (ENOSPC, EACCES, …): the message is what a user reads
 * in the step's error and in history, so it carries both (no `cause`, whose innermost message would hide the path).
 */
function writeFailed(target: string, err: unknown): Error {
  const e = err as NodeJS.ErrnoException;
  return Object.assign(new Error(`artifact store: cannot write ${target}: ${e?.message ?? String(err)}`), {
    code: e?.code,
  });
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
