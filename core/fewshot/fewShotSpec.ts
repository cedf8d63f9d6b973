import { z } from 'zod';

/**
 * How a variant picks its examples: a discriminated union of strategies plus `k` and an optional token budget
 * that combines with any of them (examples are taken in the strategy's order while they fit).
 */
export const DEFAULT_EMBEDDING_MODEL = 'text-embedding-3-small';

const StrategyObjectSchema = z.discriminatedUnion('type', [
  /** The same examples for every case, by position in the pool (0-based). */
  z.object({ type: z.literal('fixed'), examples: z.array(z.number().int().min(0)).min(1) }).strict(),
  /** A seeded random draw per case (hash of seed, case input and pool position). */
  z.object({ type: z.literal('random'), seed: z.string().default('tailor') }).strict(),
  /** The pool examples whose inputs are nearest to the case input (cosine of provider embeddings). */
  z.object({ type: z.literal('similar'), embeddingModel: z.string().default(DEFAULT_EMBEDDING_MODEL) }).strict(),
  /**
   * Maximal marginal relevance: near the input but not near each other. `lambda` 1 is pure similarity, 0 pure
   * diversity; `fetch` nearest candidates are considered. @default lambda 0.5, fetch 20
   */
  z
    .object({
      type: z.literal('mmr'),
      embeddingModel: z.string().default(DEFAULT_EMBEDDING_MODEL),
      lambda: z.number().min(0).max(1).default(0.5),
      fetch: z.number().int().min(1).max(500).default(20),
    })
    .strict(),
]);

/**
 * A strategy, or the bare name of one whose keys all have defaults (`strategy: similar` reads as `{ type: similar }`;
 * `fixed` needs its `examples`, so a bare `fixed` is refused for missing them).
 */
export const FewShotStrategySchema = z.preprocess(
  (v) => (typeof v === 'string' ? { type: v } : v),
  StrategyObjectSchema,
);
export type FewShotStrategy = z.output<typeof FewShotStrategySchema>;

export const FewShotSpecSchema = z
  .object({
    /** Examples per prompt; 2–5 suit most tasks. @default 3 */
    k: z.number().int().min(1).max(20).default(3),
    strategy: FewShotStrategySchema.default({ type: 'random', seed: 'tailor' }),
    /** Most tokens all example turns together may take (o200k count of the rendered turns). @default none */
    tokenBudget: z.number().int().positive().optional(),
  })
  .strict();
export type FewShotSpec = z.output<typeof FewShotSpecSchema>;
export type FewShotSpecInput = z.input<typeof FewShotSpecSchema>;
