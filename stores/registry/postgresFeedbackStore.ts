import {
  FeedbackBodySchema,
  feedbackContentSha256,
  ratingScore,
  type FeedbackInput,
  type FeedbackRecord,
} from '../../core/feedback/feedbackSchema';
import type { FeedbackBackend } from '../feedback/feedbackBackend';
import {
  FeedbackConflictError,
  toRecord,
  type FeedbackQuery,
  type FeedbackRow,
  type StoredFeedback,
} from '../feedback/feedbackStore';
import { PostgresPool } from './postgresPool';

/**
 * The feedback table in the registry's PostgreSQL database: the SQLite store's rules (stores/feedback/feedbackStore.ts)
 * on a server many hosts share. One INSERT … ON CONFLICT DO NOTHING per item, so of any number of concurrent
 * requests with one id exactly one stores it; the others find it and compare content hashes.
 */
export class PostgresFeedbackStore implements FeedbackBackend {
  private constructor(readonly db: PostgresPool) {}

  get location(): string {
    return this.db.location;
  }

  static async open(url: string, options: { max?: number } = {}): Promise<PostgresFeedbackStore> {
    return new PostgresFeedbackStore(await PostgresPool.open(url, options));
  }

  /** Validates and stores one item (throws the ZodError of a bad body: nothing is stored). Idempotent per id. */
  async record(input: FeedbackInput, now = Date.now()): Promise<StoredFeedback> {
    const body = FeedbackBodySchema.parse(input);
    const contentSha = feedbackContentSha256(body);
    const id = body.id ?? `fb-${contentSha.slice(0, 32)}`;
    const inserted = await this.db.query<{ id: string }>(
      `INSERT INTO feedback (id, content_sha256, model, prompt_version, input_json, answer, rating, score,
         corrected_answer, preference_json, who, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        id,
        contentSha,
        body.model,
        body.promptVersion ?? null,
        JSON.stringify(body.input),
        body.answer,
        String(body.rating),
        ratingScore(body.rating),
        body.correctedAnswer ?? null,
        body.preference ? JSON.stringify(body.preference) : null,
        body.who ?? null,
        body.at !== undefined ? Date.parse(body.at) : now,
      ],
    );
    if (inserted.length) return { id, created: true };
    const [prior] = await this.db.query<{ sha: string }>('SELECT content_sha256 AS sha FROM feedback WHERE id = $1', [
      id,
    ]);
    if (prior && prior.sha !== contentSha) throw new FeedbackConflictError(id);
    return { id, created: false };
  }

  /** Stored items, oldest first (ties by id), so an export of unchanged feedback is byte-identical. */
  async list(query: FeedbackQuery = {}): Promise<FeedbackRecord[]> {
    const rows = await this.db.query<FeedbackRow>(
      'SELECT * FROM feedback WHERE ($1::text IS NULL OR model = $1) AND at >= $2 ORDER BY at, id COLLATE "C"',
      [query.model ?? null, query.since ?? 0],
    );
    return rows.map(toRecord);
  }

  async count(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>('SELECT COUNT(*) AS n FROM feedback');
    return row?.n ?? 0;
  }

  async close(): Promise<void> {
    await this.db.end();
  }
}
