import type { PoolClient } from 'pg';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The registry's schema on PostgreSQL, as numbered steps: each runs once per database, in order, recorded in
 * `schema_migrations`. Append new steps; never edit one that has shipped. The tables and columns are the SQLite
 * registry's (stores/registry/registryDb.ts), the feedback store's (stores/feedback/feedbackStore.ts) and the capture
 * store's (stores/capture/captureStore.ts), with their history: `details` came after the first release, feedback
 * after that, captures after that.
 */
export const REGISTRY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'models, aliases, alias history, approvals',
    sql: `
CREATE TABLE models (
  model TEXT PRIMARY KEY, pipeline TEXT NOT NULL, provider TEXT NOT NULL, base_model TEXT NOT NULL,
  job_id TEXT, train_sha256 TEXT, spec_sha256 TEXT, run_id TEXT NOT NULL, eval_report_uri TEXT,
  score DOUBLE PRECISION, created_at BIGINT NOT NULL);
CREATE TABLE aliases (
  pipeline TEXT NOT NULL, alias TEXT NOT NULL, model TEXT NOT NULL, updated_at BIGINT NOT NULL,
  PRIMARY KEY (pipeline, alias));
CREATE TABLE alias_history (
  id BIGSERIAL PRIMARY KEY, pipeline TEXT NOT NULL, alias TEXT NOT NULL, from_model TEXT, to_model TEXT,
  who TEXT NOT NULL, why TEXT NOT NULL, run_id TEXT, at BIGINT NOT NULL);
CREATE INDEX alias_history_alias ON alias_history (pipeline, alias, id);
CREATE INDEX alias_history_run ON alias_history (run_id);
CREATE TABLE approvals (
  id BIGSERIAL PRIMARY KEY, run_id TEXT NOT NULL, pipeline TEXT NOT NULL, decision TEXT NOT NULL,
  who TEXT NOT NULL, why TEXT NOT NULL, at BIGINT NOT NULL);
CREATE INDEX approvals_run ON approvals (run_id, id);`,
  },
  { version: 2, name: 'models.details', sql: 'ALTER TABLE models ADD COLUMN details TEXT' },
  {
    version: 3,
    name: 'feedback',
    sql: `
CREATE TABLE feedback (
  id TEXT PRIMARY KEY, content_sha256 TEXT NOT NULL, model TEXT NOT NULL, prompt_version TEXT,
  input_json TEXT NOT NULL, answer TEXT NOT NULL, rating TEXT NOT NULL, score INTEGER NOT NULL,
  corrected_answer TEXT, preference_json TEXT, who TEXT, at BIGINT NOT NULL);
CREATE INDEX feedback_model_at ON feedback (model, at);
CREATE INDEX feedback_at ON feedback (at);`,
  },
  {
    version: 4,
    name: 'captures',
    sql: `
CREATE TABLE captures (
  response_id TEXT PRIMARY KEY, alias TEXT NOT NULL, requested_model TEXT NOT NULL, model TEXT NOT NULL,
  variant TEXT NOT NULL, stream INTEGER NOT NULL, request_json TEXT, answer TEXT, response_json TEXT,
  prompt_tokens INTEGER, completion_tokens INTEGER, cost_usd DOUBLE PRECISION, latency_ms BIGINT NOT NULL,
  at BIGINT NOT NULL, expires_at BIGINT NOT NULL);
CREATE INDEX captures_alias_at ON captures (alias, at);
CREATE INDEX captures_expires ON captures (expires_at);
CREATE TABLE capture_feedback (
  response_id TEXT PRIMARY KEY REFERENCES captures (response_id) ON DELETE CASCADE, rating TEXT NOT NULL,
  score INTEGER NOT NULL, corrected_answer TEXT, preference_json TEXT, who TEXT, at BIGINT NOT NULL);`,
  },
  {
    version: 5,
    name: 'canaries',
    sql: `
CREATE TABLE canaries (
  pipeline TEXT NOT NULL, alias TEXT NOT NULL, model TEXT NOT NULL, percent DOUBLE PRECISION NOT NULL,
  who TEXT NOT NULL, why TEXT NOT NULL, run_id TEXT, started_at BIGINT NOT NULL, PRIMARY KEY (pipeline, alias));
CREATE TABLE canary_history (
  id BIGSERIAL PRIMARY KEY, pipeline TEXT NOT NULL, alias TEXT NOT NULL, action TEXT NOT NULL, model TEXT NOT NULL,
  percent DOUBLE PRECISION NOT NULL, who TEXT NOT NULL, why TEXT NOT NULL, run_id TEXT, at BIGINT NOT NULL);
CREATE INDEX canary_history_alias ON canary_history (pipeline, alias, id);`,
  },
  {
    version: 6,
    name: 'online_eval',
    sql: `
CREATE TABLE online_scores (
  alias TEXT NOT NULL, suite TEXT NOT NULL, tick BIGINT NOT NULL, model TEXT NOT NULL,
  n INTEGER NOT NULL, errored INTEGER NOT NULL, score DOUBLE PRECISION, pass_rate DOUBLE PRECISION,
  threshold DOUBLE PRECISION NOT NULL, below INTEGER NOT NULL, run_id TEXT NOT NULL, recorded_at BIGINT NOT NULL,
  alerted_at BIGINT, PRIMARY KEY (alias, suite, tick, model));
CREATE INDEX online_scores_alias_tick ON online_scores (alias, tick);`,
  },
];

/** Any constant: the advisory lock every migrating process takes, so two workers starting together migrate once. */
const MIGRATION_LOCK = 7_305_110_420;

/**
 * Brings the database up to the newest step, in one transaction under an advisory lock: concurrent callers wait,
 * then find the steps applied. A database migrated by a newer Tailor (a step this one does not know) is refused.
 */
export async function migrate(
  client: PoolClient,
  migrations: readonly Migration[] = REGISTRY_MIGRATIONS,
): Promise<number[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
    );
    const done = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
    );
    const newest = Math.max(0, ...migrations.map((m) => m.version));
    const unknown = [...done].filter((v) => v > newest);
    if (unknown.length) {
      throw new Error(
        `registry schema is at version ${Math.max(...unknown)}, newer than this Tailor knows (${newest}): ` +
          'upgrade Tailor',
      );
    }
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        Date.now(),
      ]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
