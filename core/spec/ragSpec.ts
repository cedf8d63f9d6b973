import { z } from 'zod';

/** Retrieval settings a RAG variant shares in eval suites and pipeline specs (`rag:`). */
export const RagOptionsSchema = z.object({
  /** Passages per question. @default 4 */
  k: z.number().int().min(1).max(50).default(4),
  /** Fuse BM25 with the dense ranking (reciprocal rank fusion). @default false */
  hybrid: z.boolean().default(false),
  /** MMR with this relevance/diversity trade-off (1 = relevance only). @default none */
  mmr: z.number().min(0).max(1).optional(),
  /** Most tokens the passages may take. @default none */
  budgetTokens: z.number().int().positive().optional(),
  /** The embedding model when the index is built. @default text-embedding-3-small */
  embeddingModel: z.string().min(1).optional(),
});
