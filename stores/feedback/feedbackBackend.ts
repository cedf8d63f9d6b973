import path from 'node:path';
import { registryPath } from '../../config/paths';
import type { FeedbackInput, FeedbackRecord } from '../../core/feedback/feedbackSchema';
import { PostgresFeedbackStore } from '../registry/postgresFeedbackStore';
import { isPostgresUrl } from '../registry/registryBackend';
import { feedbackStore, type FeedbackQuery, type FeedbackStore, type StoredFeedback } from './feedbackStore';

/**
 * The feedback store whatever holds it: the registry's SQLite file (the default) or its PostgreSQL database. Same
 * rules: a bad body stores nothing, an id stores once, the same id with other content is a FeedbackConflictError,
 * lists are oldest first with ties by id.
 */
export interface FeedbackBackend {
  readonly location: string;
  record(input: FeedbackInput, now?: number): Promise<StoredFeedback>;
  list(query?: FeedbackQuery): Promise<FeedbackRecord[]>;
  count(): Promise<number>;
  close(): Promise<void>;
}

/** The SQLite feedback store (./feedbackStore.ts) behind the asynchronous interface. */
export class SqliteFeedbackBackend implements FeedbackBackend {
  constructor(
    readonly store: FeedbackStore,
    readonly location: string,
  ) {}

  async record(input: FeedbackInput, now?: number) {
    return this.store.record(input, now);
  }
  async list(query?: FeedbackQuery) {
    return this.store.list(query);
  }
  async count() {
    return this.store.count();
  }
  /** The SQLite handle is shared per file within the process (./feedbackStore.ts), so it stays open. */
  async close() {}
}

/** `TAILOR_REGISTRY=postgres://…` → PostgreSQL; otherwise the registry's SQLite file as always. */
export async function openFeedbackStore(env: NodeJS.ProcessEnv = process.env): Promise<FeedbackBackend> {
  const spec = env.TAILOR_REGISTRY?.trim();
  if (spec && isPostgresUrl(spec)) return PostgresFeedbackStore.open(spec);
  const file = spec ? path.resolve(spec) : registryPath();
  return new SqliteFeedbackBackend(feedbackStore(file), file);
}

/**
 * `recordFeedback` for any registry: records one item in the feedback store TAILOR_REGISTRY names, the SQLite file or
 * the PostgreSQL database (`registry` overrides it with either). Same rules as `POST /v1/feedback`: a bad body is a
 * ZodError, a retried id stores once, the same id with other content is a FeedbackConflictError. Opens and closes
 * the store per call; for many items open it once with `openFeedbackStore()`.
 */
export async function recordFeedbackAsync(
  input: FeedbackInput,
  opts: { registry?: string } = {},
): Promise<StoredFeedback> {
  const env = opts.registry === undefined ? process.env : { ...process.env, TAILOR_REGISTRY: opts.registry };
  const store = await openFeedbackStore(env);
  try {
    return await store.record(input);
  } finally {
    await store.close();
  }
}
