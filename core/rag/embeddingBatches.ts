/**
 * OpenAI's `/v1/embeddings` limits: at most 2,048 inputs and 300,000 tokens per request,
 * 8,192 tokens per input for the text-embedding-3 models. Tailor's default batch is smaller, so a crash loses
 * little and progress heartbeats often.
 */
export const EMBEDDING_LIMITS = { maxInputs: 2048, maxTokens: 300_000, maxInputTokens: 8192 } as const;

export interface BatchLimits {
  /** @default 128 */
  maxInputs?: number;
  /** @default 300,000 */
  maxTokens?: number;
}

/**
 * Groups items (in order) into batches within an input count and a token total. An item larger than the token
 * limit on its own goes alone (the provider will say whether it fits; the chunker keeps chunks far below it).
 */
export function planBatches<T>(items: readonly T[], tokensOf: (item: T) => number, limits: BatchLimits = {}): T[][] {
  const maxInputs = Math.min(limits.maxInputs ?? 128, EMBEDDING_LIMITS.maxInputs);
  const maxTokens = Math.min(limits.maxTokens ?? EMBEDDING_LIMITS.maxTokens, EMBEDDING_LIMITS.maxTokens);
  const out: T[][] = [];
  let batch: T[] = [];
  let tokens = 0;
  for (const item of items) {
    const t = tokensOf(item);
    if (batch.length && (batch.length >= maxInputs || tokens + t > maxTokens)) {
      out.push(batch);
      batch = [];
      tokens = 0;
    }
    batch.push(item);
    tokens += t;
  }
  if (batch.length) out.push(batch);
  return out;
}
