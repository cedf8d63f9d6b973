import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { tailorHome } from '../../config/paths';
import type { CaptureFeedback } from '../../core/capture/captureFeedback';
import type { RatedCapture } from '../../core/capture/captureExport';
import type { CaptureRow } from '../../core/capture/captureRow';
import { ratingScore } from '../../core/feedback/feedbackSchema';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS captures (
  response_id TEXT PRIMARY KEY, alias TEXT NOT NULL, requested_model TEXT NOT NULL, model TEXT NOT NULL,
  variant TEXT NOT NULL, stream INTEGER NOT NULL, request_json TEXT, answer TEXT, response_json TEXT,
  prompt_tokens INTEGER, completion_tokens INTEGER, cost_usd REAL, latency_ms INTEGER NOT NULL,
  at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS captures_alias_at ON captures (alias, at);
CREATE INDEX IF NOT EXISTS captures_expires ON captures (expires_at);
CREATE TABLE IF NOT EXISTS capture_feedback (
  response_id TEXT PRIMARY KEY REFERENCES captures (response_id) ON DELETE CASCADE, rating TEXT NOT NULL,
  score INTEGER NOT NULL, corrected_answer TEXT, preference_json TEXT, who TEXT, at INTEGER NOT NULL);
`;

/**
 * A row's values in the `captures` insert column order (response_id … expires_at), shared by the SQLite and the
 * PostgreSQL store; `text` adapts the three free-text fields (PostgreSQL text cannot hold NUL).
 */
export function captureValues(
  r: CaptureRow,
  text: (v: string | null) => string | null = (v) => v,
): (string | number | null)[] {
  return [
    r.responseId,
    r.alias,
    r.requestedModel,
    r.model,
    r.variant,
    r.stream ? 1 : 0,
    text(r.requestJson),
    text(r.answer),
    text(r.responseJson),
    r.promptTokens,
    r.completionTokens,
    r.costUsd,
    r.latencyMs,
    r.at,
    r.expiresAt,
  ];
}

/** `TAILOR_CAPTURE_DB`, else `$TAILOR_HOME/capture.db`. */
export function capturePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.TAILOR_CAPTURE_DB ? path.resolve(env.TAILOR_CAPTURE_DB) : path.join(tailorHome(), 'capture.db');
}

/** A captured exchange as read back, with the latest rating of its answer when it has one. */
export type StoredCapture = RatedCapture;

export interface CaptureQuery {
  alias?: string;
  /** Only rows captured at or after this time (ms since the epoch). */
  since?: number;
}

/** A stored row joined with its rating, as both stores read it back (shared with the PostgreSQL store). */
export type CaptureTableRow = {
  response_id: string;
  alias: string;
  requested_model: string;
  model: string;
  variant: string;
  stream: number;
  request_json: string | null;
  answer: string | null;
  response_json: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  cost_usd: number | null;
  latency_ms: number;
  at: number;
  expires_at: number;
  rating: string | null;
  corrected_answer: string | null;
  preference_json: string | null;
  who: string | null;
  feedback_at: number | null;
};

/** The feedback names a response ID the store does not hold (never captured, not sampled, or purged). */
export class UnknownResponseError extends Error {
  override name = 'UnknownResponseError';
  constructor(readonly responseId: string) {
    super(`no captured response '${responseId}' (capture is off for its alias, it was not sampled, or it was purged)`);
  }
}

/**
 * Captured gateway traffic in its own SQLite file (WAL, `synchronous = FULL`): a batch of rows is one transaction,
 * and once `insert` returns the rows are in the WAL on disk, which is what "acknowledged" means. A kill -9 after
 * that loses none of them; a batch cut short by a kill leaves nothing (the transaction never committed).
 */
export class CaptureStore {
  readonly db: Database.Database;

  constructor(readonly file: string = capturePath()) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
  }

  /** Writes the rows in one transaction; a response ID already stored is kept as it was. */
  insert(rows: readonly CaptureRow[]): void {
    const stmt = this.db.prepare(
      `INSERT OR IGNORE INTO captures (response_id, alias, requested_model, model, variant, stream, request_json,
         answer, response_json, prompt_tokens, completion_tokens, cost_usd, latency_ms, at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const r of rows) {
        stmt.run(...captureValues(r));
      }
    })();
  }

  /** Attaches (or replaces) the rating of a captured answer; an UnknownResponseError when it is not stored. */
  rate(feedback: CaptureFeedback, now = Date.now()): void {
    const known = this.db.prepare('SELECT 1 FROM captures WHERE response_id = ?').get(feedback.responseId);
    if (!known) throw new UnknownResponseError(feedback.responseId);
    this.db
      .prepare(
        `INSERT OR REPLACE INTO capture_feedback (response_id, rating, score,
           corrected_answer, preference_json, who, at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        feedback.responseId,
        String(feedback.rating),
        ratingScore(feedback.rating),
        feedback.correctedAnswer ?? null,
        feedback.preference ? JSON.stringify(feedback.preference) : null,
        feedback.who ?? null,
        now,
      );
  }

  /** Captured rows, oldest first (ties by response ID), so the same rows always export the same bytes. */
  list(query: CaptureQuery = {}): StoredCapture[] {
    const rows = this.db
      .prepare(
        `SELECT c.*, f.rating, f.corrected_answer, f.preference_json, f.who, f.at AS feedback_at
         FROM captures c LEFT JOIN capture_feedback f ON f.response_id = c.response_id
         WHERE (? IS NULL OR c.alias = ?) AND c.at >= ?
         ORDER BY c.at, c.response_id`,
      )
      .all(query.alias ?? null, query.alias ?? null, query.since ?? 0) as CaptureTableRow[];
    return rows.map(toStored);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM captures').get() as { n: number }).n;
  }

  /** Deletes every row past its retention (and its rating); returns how many went. */
  purge(now = Date.now()): number {
    return this.db.prepare('DELETE FROM captures WHERE expires_at <= ?').run(now).changes;
  }

  close(): void {
    this.db.close();
  }
}

export function toStored(r: CaptureTableRow): StoredCapture {
  const rating = r.rating === null ? null : /^[1-5]$/.test(r.rating) ? Number(r.rating) : (r.rating as 'up' | 'down');
  return {
    responseId: r.response_id,
    alias: r.alias,
    requestedModel: r.requested_model,
    model: r.model,
    variant: r.variant,
    stream: r.stream === 1,
    requestJson: r.request_json,
    answer: r.answer,
    responseJson: r.response_json,
    promptTokens: r.prompt_tokens,
    completionTokens: r.completion_tokens,
    costUsd: r.cost_usd,
    latencyMs: r.latency_ms,
    at: r.at,
    expiresAt: r.expires_at,
    feedback:
      rating === null
        ? null
        : {
            rating,
            ...(r.corrected_answer !== null ? { correctedAnswer: r.corrected_answer } : {}),
            ...(r.preference_json !== null
              ? { preference: JSON.parse(r.preference_json) as NonNullable<CaptureFeedback['preference']> }
              : {}),
            ...(r.who !== null ? { who: r.who } : {}),
            at: r.feedback_at ?? 0,
          },
  };
}
