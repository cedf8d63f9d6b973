import type Database from 'better-sqlite3';
import { registryPath } from '../../config/paths';
import {
  FeedbackBodySchema,
  feedbackContentSha256,
  ratingScore,
  type FeedbackInput,
  type FeedbackRecord,
} from '../../core/feedback/feedbackSchema';
import { Registry } from '../registry/registryDb';

/**
 * The `feedback` table, in the registry's database. `CREATE … IF NOT EXISTS` only, so opening an existing registry
 * (written before feedback existed) adds the table and touches nothing else.
 */
const MIGRATION = `
CREATE TABLE IF NOT EXISTS feedback (
  id TEXT PRIMARY KEY, content_sha256 TEXT NOT NULL, model TEXT NOT NULL, prompt_version TEXT,
  input_json TEXT NOT NULL, answer TEXT NOT NULL, rating TEXT NOT NULL, score INTEGER NOT NULL,
  corrected_answer TEXT, preference_json TEXT, who TEXT, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS feedback_model_at ON feedback (model, at);
CREATE INDEX IF NOT EXISTS feedback_at ON feedback (at);
`;

/** The same idempotency key sent with different content: refused rather than silently keeping either. */
export class FeedbackConflictError extends Error {
  override name = 'FeedbackConflictError';
  constructor(readonly id: string) {
    super(`feedback id '${id}' was already used for different content`);
  }
}

export interface StoredFeedback {
  id: string;
  /** False when the id was already stored with the same content (a retried request). */
  created: boolean;
}

/** A stored row as the table holds it (shared with the PostgreSQL store, stores/registry/postgresFeedbackStore.ts). */
export interface FeedbackRow {
  id: string;
  content_sha256: string;
  model: string;
  prompt_version: string | null;
  input_json: string;
  answer: string;
  rating: string;
  corrected_answer: string | null;
  preference_json: string | null;
  who: string | null;
  at: number;
}

export interface FeedbackQuery {
  /** Only this model's feedback. */
  model?: string;
  /** Only feedback at or after this time (ms since the epoch). */
  since?: number;
}

/** Feedback per model and prompt version: written by the feedback server and `recordFeedback()`, read by export. */
export class FeedbackStore {
  constructor(readonly db: Database.Database) {
    db.exec(MIGRATION);
  }

  /**
   * Validates and stores one item (throws the ZodError of a bad body: nothing is stored). Idempotent per id.
   * `now` is when it was received, used when the body carries no `at`.
   */
  record(input: FeedbackInput, now = Date.now()): StoredFeedback {
    const body = FeedbackBodySchema.parse(input);
    const contentSha = feedbackContentSha256(body);
    const id = body.id ?? `fb-${contentSha.slice(0, 32)}`;
    const tx = this.db.transaction((): StoredFeedback => {
      const prior = this.db.prepare('SELECT content_sha256 AS sha FROM feedback WHERE id = ?').get(id) as
        { sha: string } | undefined;
      if (prior) {
        if (prior.sha !== contentSha) throw new FeedbackConflictError(id);
        return { id, created: false };
      }
      this.db
        .prepare(
          `INSERT INTO feedback (id, content_sha256, model, prompt_version, input_json, answer, rating, score,
             corrected_answer, preference_json, who, at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
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
        );
      return { id, created: true };
    });
    return tx.immediate();
  }

  /** Stored items, oldest first (ties by id), so an export of unchanged feedback is byte-identical. */
  list(query: FeedbackQuery = {}): FeedbackRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM feedback WHERE (? IS NULL OR model = ?) AND at >= ? ORDER BY at, id')
      .all(query.model ?? null, query.model ?? null, query.since ?? 0) as FeedbackRow[];
    return rows.map(toRecord);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM feedback').get() as { n: number }).n;
  }
}

export function toRecord(r: FeedbackRow): FeedbackRecord {
  const rating = /^[1-5]$/.test(r.rating) ? Number(r.rating) : (r.rating as 'up' | 'down');
  return {
    id: r.id,
    model: r.model,
    ...(r.prompt_version !== null ? { promptVersion: r.prompt_version } : {}),
    input: JSON.parse(r.input_json) as FeedbackRecord['input'],
    answer: r.answer,
    rating,
    ...(r.corrected_answer !== null ? { correctedAnswer: r.corrected_answer } : {}),
    ...(r.preference_json !== null
      ? { preference: JSON.parse(r.preference_json) as NonNullable<FeedbackRecord['preference']> }
      : {}),
    ...(r.who !== null ? { who: r.who } : {}),
    at: r.at,
  };
}

const stores = new Map<string, { registry: Registry; store: FeedbackStore }>();

/** One store per database file per process (better-sqlite3 is synchronous; one handle is the fast path). */
export function feedbackStore(file: string = registryPath()): FeedbackStore {
  const open = stores.get(file);
  if (open?.registry.db.open) return open.store;
  const registry = new Registry(file);
  const store = new FeedbackStore(registry.db);
  stores.set(file, { registry, store });
  return store;
}

/**
 * Records one item of feedback in the registry's database (`TAILOR_REGISTRY`, else `$TAILOR_HOME/registry.db`):
 * the library form of `POST /v1/feedback`. Throws a ZodError for a bad body and a `FeedbackConflictError` when
 * the id was used for other content. SQLite only (it is synchronous): with a PostgreSQL registry it says to use
 * `recordFeedbackAsync` (./feedbackBackend.ts).
 */
export function recordFeedback(input: FeedbackInput, opts: { registryFile?: string } = {}): StoredFeedback {
  if (opts.registryFile === undefined && /^postgres(ql)?:\/\//i.test(process.env.TAILOR_REGISTRY?.trim() ?? '')) {
    throw new Error(
      'recordFeedback(): TAILOR_REGISTRY names a PostgreSQL database, which is written asynchronously: ' +
        'use await recordFeedbackAsync(item)',
    );
  }
  return feedbackStore(opts.registryFile).record(input);
}
