import fs from 'node:fs';
import path from 'node:path';
import { displayUrl } from '../registry/postgresFailures';
import { PostgresOnlineEvalStore } from '../registry/postgresOnlineEval';
import { isPostgresUrl } from '../registry/registryBackend';
import { ScoreStore, scoreStorePath, type ScoreKey, type ScoreQuery, type StoredScore } from './scoreStore';

/**
 * The online-evaluation score store whatever holds it: its own SQLite file (the default) or the registry's
 * PostgreSQL database. Same rules: a tick's score per model is written once (recording it again keeps and returns
 * the first), and an alert's delivery time is recorded once.
 */
export interface ScoreBackend {
  /** The SQLite file, or postgres://user@host:port/db (never the password). */
  readonly location: string;
  /** Inserts the scores not yet recorded for their tick and returns every one as stored, in the order given. */
  record(scores: readonly Omit<StoredScore, 'alertedAt'>[]): Promise<StoredScore[]>;
  /** Notes that a tick's below-threshold event for a model was delivered (the first delivery time is kept). */
  markAlerted(key: ScoreKey, at: number): Promise<void>;
  get(key: ScoreKey): Promise<StoredScore | undefined>;
  /** Scores over time, oldest tick first (then suite and model). */
  history(q: ScoreQuery): Promise<StoredScore[]>;
  close(): Promise<void>;
}

/** The SQLite score store (./scoreStore.ts) behind the asynchronous interface. */
export class SqliteScoreBackend implements ScoreBackend {
  constructor(readonly store: ScoreStore) {}

  get location(): string {
    return this.store.file;
  }
  async record(scores: readonly Omit<StoredScore, 'alertedAt'>[]) {
    return this.store.record(scores);
  }
  async markAlerted(key: ScoreKey, at: number) {
    this.store.markAlerted(key, at);
  }
  async get(key: ScoreKey) {
    return this.store.get(key);
  }
  async history(q: ScoreQuery) {
    return this.store.history(q);
  }
  async close() {
    if (this.store.db.open) this.store.close();
  }
}

/**
 * Where scores go: `TAILOR_ONLINE_EVAL_DB` when set (a file, or a postgres:// URL), else the registry's PostgreSQL
 * database when `TAILOR_REGISTRY` names one, else `$TAILOR_HOME/online-eval.db`.
 */
export function scoreLocation(env: NodeJS.ProcessEnv = process.env): { postgres: string } | { file: string } {
  const own = env.TAILOR_ONLINE_EVAL_DB?.trim();
  if (own) return isPostgresUrl(own) ? { postgres: own } : { file: path.resolve(own) };
  const registry = env.TAILOR_REGISTRY?.trim();
  if (registry && isPostgresUrl(registry)) return { postgres: registry };
  return { file: scoreStorePath(env) };
}

/** Opens (creating and migrating) the score store this process is configured for (see `scoreLocation`). */
export async function openScoreStore(env: NodeJS.ProcessEnv = process.env): Promise<ScoreBackend> {
  const where = scoreLocation(env);
  if ('postgres' in where) return PostgresOnlineEvalStore.open(where.postgres, { max: 2 });
  return new SqliteScoreBackend(new ScoreStore(where.file));
}

/** For readers: the store, or null when it is a SQLite file not created yet (so reading creates nothing). */
export async function openScoreReader(env: NodeJS.ProcessEnv = process.env): Promise<ScoreBackend | null> {
  const where = scoreLocation(env);
  if ('file' in where && !fs.existsSync(where.file)) return null;
  return openScoreStore(env);
}

/** Where `tailor online-eval` says the scores are: the file, or the database without its password. */
export function scoreLocationLabel(env: NodeJS.ProcessEnv = process.env): string {
  const where = scoreLocation(env);
  return 'file' in where ? where.file : displayUrl(where.postgres);
}
