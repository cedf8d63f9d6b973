/**
 * Canaries in the SQLite registry: at most one per alias, a candidate model served to `percent` of the alias's
 * users by the gateway while the alias keeps its model. Every start and end is kept in `canary_history` with who,
 * why and the run, like alias moves. A canary ends `promoted` when its alias moves to the canary's model (in the
 * same transaction as the move) or `aborted` when someone stops it.
 */
import type Database from 'better-sqlite3';

export interface Canary {
  pipeline: string;
  alias: string;
  model: string;
  percent: number;
  who: string;
  why: string;
  runId: string | null;
  startedAt: number;
}

export type CanaryAction = 'started' | 'promoted' | 'aborted';

/** One start or end of a canary, as the registry records it. */
export interface CanaryChange {
  pipeline: string;
  alias: string;
  action: CanaryAction;
  model: string;
  percent: number;
  who: string;
  why: string;
  runId: string | null;
  at: number;
}

export type CanaryStart = Omit<Canary, 'startedAt'> & { at?: number };
export interface CanaryEnd {
  pipeline: string;
  alias: string;
  action: Exclude<CanaryAction, 'started'>;
  who: string;
  why: string;
  runId: string | null;
  at?: number;
}

export const CANARY_SCHEMA = `
CREATE TABLE IF NOT EXISTS canaries (
  pipeline TEXT NOT NULL, alias TEXT NOT NULL, model TEXT NOT NULL, percent REAL NOT NULL, who TEXT NOT NULL,
  why TEXT NOT NULL, run_id TEXT, started_at INTEGER NOT NULL, PRIMARY KEY (pipeline, alias));
CREATE TABLE IF NOT EXISTS canary_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT, pipeline TEXT NOT NULL, alias TEXT NOT NULL, action TEXT NOT NULL,
  model TEXT NOT NULL, percent REAL NOT NULL, who TEXT NOT NULL, why TEXT NOT NULL, run_id TEXT, at INTEGER NOT NULL);
`;

const CANARY_COLUMNS = 'pipeline, alias, model, percent, who, why, run_id AS runId, started_at AS startedAt';

export function getCanary(db: Database.Database, pipeline: string, alias: string): Canary | undefined {
  return db.prepare(`SELECT ${CANARY_COLUMNS} FROM canaries WHERE pipeline = ? AND alias = ?`).get(pipeline, alias) as
    Canary | undefined;
}

export function listCanaries(db: Database.Database, pipeline?: string): Canary[] {
  return db
    .prepare(`SELECT ${CANARY_COLUMNS} FROM canaries WHERE (? IS NULL OR pipeline = ?) ORDER BY pipeline, alias`)
    .all(pipeline ?? null, pipeline ?? null) as Canary[];
}

export function canaryHistory(db: Database.Database, pipeline: string, alias?: string): CanaryChange[] {
  return db
    .prepare(
      `SELECT pipeline, alias, action, model, percent, who, why, run_id AS runId, at FROM canary_history
       WHERE pipeline = ? AND (? IS NULL OR alias = ?) ORDER BY id`,
    )
    .all(pipeline, alias ?? null, alias ?? null) as CanaryChange[];
}

function record(db: Database.Database, c: CanaryChange): void {
  db.prepare(
    `INSERT INTO canary_history (pipeline, alias, action, model, percent, who, why, run_id, at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(c.pipeline, c.alias, c.action, c.model, c.percent, c.who, c.why, c.runId, c.at);
}

/**
 * Starts (or replaces) the alias's canary. Idempotent per run: the same run starting the same canary again (an
 * activity retry) changes nothing. A replaced canary is recorded as aborted.
 */
export function startCanary(db: Database.Database, s: CanaryStart): { replaced: Canary | null; changed: boolean } {
  const tx = db.transaction(() => {
    const current = getCanary(db, s.pipeline, s.alias) ?? null;
    if (current && s.runId && current.runId === s.runId && current.model === s.model) {
      return { replaced: null, changed: false };
    }
    const at = s.at ?? Date.now();
    if (current) {
      const why = `replaced by a canary of ${s.model}: ${s.why}`;
      record(db, { ...current, action: 'aborted', who: s.who, why, runId: s.runId, at });
    }
    db.prepare(
      `INSERT INTO canaries (pipeline, alias, model, percent, who, why, run_id, started_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(pipeline, alias) DO UPDATE SET model = excluded.model, percent = excluded.percent,
         who = excluded.who, why = excluded.why, run_id = excluded.run_id, started_at = excluded.started_at`,
    ).run(s.pipeline, s.alias, s.model, s.percent, s.who, s.why, s.runId, at);
    record(db, { ...s, action: 'started', at });
    return { replaced: current, changed: true };
  });
  return tx.immediate();
}

/** Ends the alias's canary; the canary it ended, or null when there was none. Call inside a transaction. */
export function endCanaryIn(db: Database.Database, e: CanaryEnd): Canary | null {
  const current = getCanary(db, e.pipeline, e.alias);
  if (!current) return null;
  db.prepare('DELETE FROM canaries WHERE pipeline = ? AND alias = ?').run(e.pipeline, e.alias);
  const at = e.at ?? Date.now();
  record(db, { ...current, action: e.action, who: e.who, why: e.why, runId: e.runId, at });
  return current;
}

export function endCanary(db: Database.Database, e: CanaryEnd): Canary | null {
  return db.transaction(() => endCanaryIn(db, e)).immediate();
}
