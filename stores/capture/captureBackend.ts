import fs from 'node:fs';
import path from 'node:path';
import type { CaptureFeedback } from '../../core/capture/captureFeedback';
import type { CaptureRow } from '../../core/capture/captureRow';
import { PostgresCaptureStore } from '../registry/postgresCaptureStore';
import { isPostgresUrl } from '../registry/registryBackend';
import { CaptureStore, capturePath, type CaptureQuery, type StoredCapture } from './captureStore';

/**
 * The capture store whatever holds it: its own SQLite file (the default) or the registry's PostgreSQL database.
 * Same rules: `insert` writes a batch in one transaction and returns once it has committed (a kill -9 after that
 * loses none of it, before that leaves none of it); a response ID already stored is kept as it was; `rate` throws
 * an UnknownResponseError for a response not stored; lists are oldest first with ties by response ID.
 */
export interface CaptureBackend {
  /** The SQLite file, or postgres://user@host:port/db (never the password). */
  readonly location: string;
  insert(rows: readonly CaptureRow[]): Promise<void>;
  rate(feedback: CaptureFeedback, now?: number): Promise<void>;
  list(query?: CaptureQuery): Promise<StoredCapture[]>;
  count(): Promise<number>;
  /** Deletes every row past its retention (and its rating); returns how many went. */
  purge(now?: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * The SQLite capture store (./captureStore.ts) behind the asynchronous interface. Each call does its work before it
 * returns its promise (better-sqlite3 is synchronous), so a caller that does not wait still finds the rows written.
 */
export class SqliteCaptureBackend implements CaptureBackend {
  constructor(readonly store: CaptureStore) {}

  get location(): string {
    return this.store.file;
  }

  async insert(rows: readonly CaptureRow[]) {
    this.store.insert(rows);
  }
  async rate(feedback: CaptureFeedback, now?: number) {
    this.store.rate(feedback, now);
  }
  async list(query?: CaptureQuery) {
    return this.store.list(query);
  }
  async count() {
    return this.store.count();
  }
  async purge(now?: number) {
    return this.store.purge(now);
  }
  async close() {
    if (this.store.db.open) this.store.close();
  }
}

/**
 * Where captures go: `TAILOR_CAPTURE_DB` when set (a file, or a postgres:// URL), else the registry's PostgreSQL
 * database when `TAILOR_REGISTRY` names one, else `$TAILOR_HOME/capture.db`.
 */
export function captureLocation(env: NodeJS.ProcessEnv = process.env): { postgres: string } | { file: string } {
  const own = env.TAILOR_CAPTURE_DB?.trim();
  if (own) return isPostgresUrl(own) ? { postgres: own } : { file: path.resolve(own) };
  const registry = env.TAILOR_REGISTRY?.trim();
  if (registry && isPostgresUrl(registry)) return { postgres: registry };
  return { file: capturePath(env) };
}

/** Opens (creating and migrating) the capture store this process is configured for (see `captureLocation`). */
export async function openCaptureStore(env: NodeJS.ProcessEnv = process.env): Promise<CaptureBackend> {
  const where = captureLocation(env);
  if ('postgres' in where) return PostgresCaptureStore.open(where.postgres);
  return new SqliteCaptureBackend(new CaptureStore(where.file));
}

/**
 * For readers (`tailor capture export`, a `source: capture` dataset): the store, or null when it is a SQLite file
 * that does not exist yet (nothing was captured), so reading creates nothing.
 */
export async function openCaptureReader(env: NodeJS.ProcessEnv = process.env): Promise<CaptureBackend | null> {
  const where = captureLocation(env);
  if ('file' in where && !fs.existsSync(where.file)) return null;
  return openCaptureStore(env);
}
