/**
 * Canaries in the PostgreSQL registry: the same rows and rules as the SQLite registry's
 * (stores/registry/canaries.ts), in the tables of migration 5 (stores/registry/postgresMigrations.ts). Starts and
 * ends take the alias's advisory lock, the one alias moves take, so a canary start, its promotion by an alias move
 * and an abort serialise across hosts.
 */
import type { PoolClient } from 'pg';
import type { Canary, CanaryChange, CanaryEnd, CanaryStart } from './canaries';

export const CANARY_COLUMNS = `pipeline, alias, model, percent, who, why, run_id AS "runId",
  started_at AS "startedAt"`;
export const CANARY_CHANGE_COLUMNS = 'pipeline, alias, action, model, percent, who, why, run_id AS "runId", at';

/** The alias's advisory lock (the key alias moves use). */
export async function lockAlias(c: PoolClient, pipeline: string, alias: string): Promise<void> {
  const key = JSON.stringify(['alias', pipeline, alias]);
  await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
}

async function current(c: PoolClient, pipeline: string, alias: string): Promise<Canary | null> {
  const { rows } = await c.query<Canary>(`SELECT ${CANARY_COLUMNS} FROM canaries WHERE pipeline = $1 AND alias = $2`, [
    pipeline,
    alias,
  ]);
  return rows[0] ?? null;
}

async function record(c: PoolClient, r: CanaryChange): Promise<void> {
  await c.query(
    `INSERT INTO canary_history (pipeline, alias, action, model, percent, who, why, run_id, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [r.pipeline, r.alias, r.action, r.model, r.percent, r.who, r.why, r.runId, r.at],
  );
}

/** Starts or replaces the canary; call in a transaction holding the alias's lock. */
export async function startCanaryLocked(
  c: PoolClient,
  s: CanaryStart,
): Promise<{ replaced: Canary | null; changed: boolean }> {
  const now = await current(c, s.pipeline, s.alias);
  if (now && s.runId && now.runId === s.runId && now.model === s.model) return { replaced: null, changed: false };
  const at = s.at ?? Date.now();
  if (now) {
    const why = `replaced by a canary of ${s.model}: ${s.why}`;
    await record(c, { ...now, action: 'aborted', who: s.who, why, runId: s.runId, at });
  }
  await c.query(
    `INSERT INTO canaries (pipeline, alias, model, percent, who, why, run_id, started_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (pipeline, alias) DO UPDATE SET model = excluded.model, percent = excluded.percent,
       who = excluded.who, why = excluded.why, run_id = excluded.run_id, started_at = excluded.started_at`,
    [s.pipeline, s.alias, s.model, s.percent, s.who, s.why, s.runId, at],
  );
  await record(c, { ...s, action: 'started', at });
  return { replaced: now, changed: true };
}

/** Ends the canary (the one ended, or null); call in a transaction holding the alias's lock. */
export async function endCanaryLocked(c: PoolClient, e: CanaryEnd): Promise<Canary | null> {
  const now = await current(c, e.pipeline, e.alias);
  if (!now) return null;
  await c.query('DELETE FROM canaries WHERE pipeline = $1 AND alias = $2', [e.pipeline, e.alias]);
  await record(c, { ...now, action: e.action, who: e.who, why: e.why, runId: e.runId, at: e.at ?? Date.now() });
  return now;
}

/** After an alias move under the lock: a canary of the model the alias now names is over, promoted. */
export async function promoteCanaryOnMove(
  c: PoolClient,
  move: { pipeline: string; alias: string; toModel: string | null; who: string; why: string; runId: string | null },
  at: number,
): Promise<void> {
  if (move.toModel === null) return;
  const now = await current(c, move.pipeline, move.alias);
  if (now?.model !== move.toModel) return;
  const why = `alias moved to the canary's model: ${move.why}`;
  await endCanaryLocked(c, { ...move, action: 'promoted', why, at });
}
