import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { tailorHome } from '../../config/paths';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS online_scores (
  alias TEXT NOT NULL, suite TEXT NOT NULL, tick INTEGER NOT NULL, model TEXT NOT NULL,
  n INTEGER NOT NULL, errored INTEGER NOT NULL, score REAL, pass_rate REAL, threshold REAL NOT NULL,
  below INTEGER NOT NULL, run_id TEXT NOT NULL, recorded_at INTEGER NOT NULL, alerted_at INTEGER,
  PRIMARY KEY (alias, suite, tick, model));
CREATE INDEX IF NOT EXISTS online_scores_alias_tick ON online_scores (alias, tick);
`;

/** `TAILOR_ONLINE_EVAL_DB`, else `$TAILOR_HOME/online-eval.db`. */
export function scoreStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.TAILOR_ONLINE_EVAL_DB
    ? path.resolve(env.TAILOR_ONLINE_EVAL_DB)
    : path.join(tailorHome(), 'online-eval.db');
}

/** One model's score for one tick of one alias and suite. */
export interface StoredScore {
  alias: string;
  suite: string;
  tick: number;
  model: string;
  n: number;
  errored: number;
  score: number | null;
  passRate: number | null;
  threshold: number;
  below: boolean;
  runId: string;
  recordedAt: number;
  alertedAt: number | null;
}

/**
 * A score's values in the `online_scores` insert column order (alias … recorded_at), shared by the SQLite and the
 * PostgreSQL store so the two cannot disagree on it.
 */
export function scoreValues(s: Omit<StoredScore, 'alertedAt'>): (string | number | null)[] {
  const { alias, suite, tick, model, n, errored, score, passRate, threshold, below, runId, recordedAt } = s;
  return [alias, suite, tick, model, n, errored, score, passRate, threshold, below ? 1 : 0, runId, recordedAt];
}

/** A row of the `online_scores` table, as SQLite and PostgreSQL return it. */
export type ScoreRow = {
  alias: string;
  suite: string;
  tick: number;
  model: string;
  n: number;
  errored: number;
  score: number | null;
  pass_rate: number | null;
  threshold: number;
  below: number;
  run_id: string;
  recorded_at: number;
  alerted_at: number | null;
};

export const toStored = (r: ScoreRow): StoredScore => ({
  alias: r.alias,
  suite: r.suite,
  tick: r.tick,
  model: r.model,
  n: r.n,
  errored: r.errored,
  score: r.score,
  passRate: r.pass_rate,
  threshold: r.threshold,
  below: r.below === 1,
  runId: r.run_id,
  recordedAt: r.recorded_at,
  alertedAt: r.alerted_at,
});

/** What names one stored score. */
export interface ScoreKey {
  alias: string;
  suite: string;
  tick: number;
  model: string;
}

export interface ScoreQuery {
  alias: string;
  suite?: string;
  model?: string;
  /** Only ticks at or after this time (ms since the epoch). */
  since?: number;
}

/**
 * Online-evaluation scores per alias, suite, tick and model in their own SQLite file. A tick's score is written
 * once: recording it again (a retried activity, a second run of the same tick) keeps the first one and reads it
 * back, so every run of a tick reports, and alerts on, the same numbers.
 */
export class ScoreStore {
  readonly db: Database.Database;

  constructor(readonly file: string = scoreStorePath()) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(SCHEMA);
  }

  /** Inserts the scores not yet recorded for their tick and returns every one as stored, in the order given. */
  record(scores: readonly Omit<StoredScore, 'alertedAt'>[]): StoredScore[] {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO online_scores (alias, suite, tick, model, n, errored, score, pass_rate, threshold,
         below, run_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const read = this.db.prepare(
      'SELECT * FROM online_scores WHERE alias = ? AND suite = ? AND tick = ? AND model = ?',
    );
    return this.db.transaction(() =>
      scores.map((s) => {
        insert.run(...scoreValues(s));
        return toStored(read.get(s.alias, s.suite, s.tick, s.model) as ScoreRow);
      }),
    )();
  }

  /** Notes that the tick's below-threshold event for a model was delivered (the first delivery time is kept). */
  markAlerted(key: ScoreKey, at: number): void {
    this.db
      .prepare(
        `UPDATE online_scores SET alerted_at = COALESCE(alerted_at, ?)
         WHERE alias = ? AND suite = ? AND tick = ? AND model = ?`,
      )
      .run(at, key.alias, key.suite, key.tick, key.model);
  }

  get(key: ScoreKey): StoredScore | undefined {
    const r = this.db
      .prepare('SELECT * FROM online_scores WHERE alias = ? AND suite = ? AND tick = ? AND model = ?')
      .get(key.alias, key.suite, key.tick, key.model) as ScoreRow | undefined;
    return r && toStored(r);
  }

  /** Scores over time, oldest tick first (then suite and model), for `tailor online-eval scores`. */
  history(q: ScoreQuery): StoredScore[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM online_scores WHERE alias = ? AND (? IS NULL OR suite = ?) AND (? IS NULL OR model = ?)
           AND tick >= ? ORDER BY tick, suite, model`,
      )
      .all(q.alias, q.suite ?? null, q.suite ?? null, q.model ?? null, q.model ?? null, q.since ?? 0) as ScoreRow[];
    return rows.map(toStored);
  }

  close(): void {
    this.db.close();
  }
}
