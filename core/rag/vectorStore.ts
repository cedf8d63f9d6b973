/**
 * Where chunk vectors live. LanceDB (embedded, on local disk) implements it in stores/rag/lanceStore.ts; a
 * server-backed store (pgvector, Qdrant, a LanceDB Cloud table) implements the same five calls for users who
 * outgrow one machine. Scores are cosine similarities, higher is nearer.
 */
export interface VectorRecord {
  /** The chunk id (sha256 of source and text): the key upserts replace and deletes name. */
  id: string;
  source: string;
  heading: string;
  text: string;
  vector: ArrayLike<number>;
}

export interface VectorHit {
  id: string;
  source: string;
  heading: string;
  text: string;
  /** Cosine similarity to the query. */
  score: number;
  vector: number[];
}

export interface VectorSearchOptions {
  /** Only chunks whose source starts with this path prefix (e.g. `policies/`). */
  filter?: { sourcePrefix?: string };
  /**
   * `exact` compares with every vector (brute force); `approximate` uses the store's ANN index when it has one
   * (and falls back to exact when it does not). @default 'approximate'
   */
  mode?: 'exact' | 'approximate';
}

export interface VectorStore {
  /** Inserts new ids, replaces existing ones. */
  upsert(records: readonly VectorRecord[]): Promise<void>;
  /** Deletes these ids (absent ones are ignored); returns how many rows went. */
  deleteIds(ids: readonly string[]): Promise<number>;
  search(vector: ArrayLike<number>, k: number, opts?: VectorSearchOptions): Promise<VectorHit[]>;
  count(): Promise<number>;
  listIds(): Promise<string[]>;
  /**
   * Builds (or rebuilds) the approximate index once the store holds at least `minRows` vectors; returns whether
   * one exists afterwards. Below the threshold exact search is as fast and exact.
   */
  ensureAnnIndex(minRows: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Below this many chunks an ANN index is not worth building: brute force over them takes well under a millisecond per
 * 1,000.
 */
export const DEFAULT_ANN_THRESHOLD = 10_000;
