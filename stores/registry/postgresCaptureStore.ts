import type { CaptureFeedback } from '../../core/capture/captureFeedback';
import type { CaptureRow } from '../../core/capture/captureRow';
import { ratingScore } from '../../core/feedback/feedbackSchema';
import type { CaptureBackend } from '../capture/captureBackend';
import {
  captureValues,
  toStored,
  UnknownResponseError,
  type CaptureQuery,
  type CaptureTableRow,
  type StoredCapture,
} from '../capture/captureStore';
import { PostgresPool } from './postgresPool';

const COLUMNS = [
  'response_id',
  'alias',
  'requested_model',
  'model',
  'variant',
  'stream',
  'request_json',
  'answer',
  'response_json',
  'prompt_tokens',
  'completion_tokens',
  'cost_usd',
  'latency_ms',
  'at',
  'expires_at',
] as const;

/** PostgreSQL text cannot hold U+0000 (SQLite can): stored as U+FFFD, so one odd answer never fails a batch. */
const text = (v: string | null): string | null => (v === null ? null : v.replace(/\u0000/g, '\uFFFD'));

/**
 * The capture tables in the registry's PostgreSQL database (migration 4 of ./postgresMigrations.ts): the SQLite
 * store's rules (stores/capture/captureStore.ts) on a server many gateways and workers share. A batch is one
 * INSERT statement, so it commits whole or not at all, and `insert` returns only after the commit: that is what
 * "acknowledged" means here.
 */
export class PostgresCaptureStore implements CaptureBackend {
  private constructor(readonly db: PostgresPool) {}

  get location(): string {
    return this.db.location;
  }

  static async open(url: string, options: { max?: number } = {}): Promise<PostgresCaptureStore> {
    return new PostgresCaptureStore(await PostgresPool.open(url, options));
  }

  /** Writes the rows in one statement (one transaction); a response ID already stored is kept as it was. */
  async insert(rows: readonly CaptureRow[]): Promise<void> {
    if (!rows.length) return;
    const params: unknown[] = [];
    const tuples = rows.map((r) => {
      const values = captureValues(r, text);
      const first = params.length + 1;
      params.push(...values);
      return `(${values.map((_, i) => `$${first + i}`).join(', ')})`;
    });
    await this.db.query(
      `INSERT INTO captures (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (response_id) DO NOTHING`,
      params,
    );
  }

  /** Attaches (or replaces) the rating of a captured answer; an UnknownResponseError when it is not stored. */
  async rate(feedback: CaptureFeedback, now = Date.now()): Promise<void> {
    let stored: unknown[];
    try {
      stored = await this.db.query(
        `INSERT INTO capture_feedback (response_id, rating, score, corrected_answer, preference_json, who, at)
         SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM captures WHERE response_id = $1)
         ON CONFLICT (response_id) DO UPDATE SET rating = excluded.rating, score = excluded.score,
           corrected_answer = excluded.corrected_answer, preference_json = excluded.preference_json,
           who = excluded.who, at = excluded.at
         RETURNING response_id`,
        [
          feedback.responseId,
          String(feedback.rating),
          ratingScore(feedback.rating),
          text(feedback.correctedAnswer ?? null),
          feedback.preference ? text(JSON.stringify(feedback.preference)) : null,
          text(feedback.who ?? null),
          now,
        ],
      );
    } catch (err) {
      // The row was purged between the check and the insert: the foreign key refuses it.
      if ((err as { code?: string }).code === '23503') throw new UnknownResponseError(feedback.responseId);
      throw err;
    }
    if (!stored.length) throw new UnknownResponseError(feedback.responseId);
  }

  /** Captured rows, oldest first (ties by response ID, byte-wise as SQLite orders them). */
  async list(query: CaptureQuery = {}): Promise<StoredCapture[]> {
    const rows = await this.db.query<CaptureTableRow>(
      `SELECT c.*, f.rating, f.corrected_answer, f.preference_json, f.who, f.at AS feedback_at
       FROM captures c LEFT JOIN capture_feedback f ON f.response_id = c.response_id
       WHERE ($1::text IS NULL OR c.alias = $1) AND c.at >= $2
       ORDER BY c.at, c.response_id COLLATE "C"`,
      [query.alias ?? null, query.since ?? 0],
    );
    return rows.map(toStored);
  }

  async count(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>('SELECT COUNT(*) AS n FROM captures');
    return row?.n ?? 0;
  }

  async purge(now = Date.now()): Promise<number> {
    return this.db.withClient(
      async (c) => (await c.query('DELETE FROM captures WHERE expires_at <= $1', [now])).rowCount ?? 0,
    );
  }

  async close(): Promise<void> {
    await this.db.end();
  }
}
