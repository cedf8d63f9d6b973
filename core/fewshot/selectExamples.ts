import { assertNoEvalCases } from './evalSplitGuard';
import type { FewShotExample } from './fewShotExample';
import type { FewShotSpec } from './fewShotSpec';
import { rankSeededRandom } from './seededRandom';
import { rankFixed } from './selectFixed';
import { rankMmr } from './selectMmr';
import { rankBySimilarity } from './selectSimilar';
import { takeWithinBudget } from './tokenBudget';

export interface SelectionContext {
  /** The pool after the evaluation-split guard. */
  pool: readonly FewShotExample[];
  /** Pool embeddings, aligned with `pool` (similar and mmr only). */
  poolVectors?: readonly ArrayLike<number>[];
  /** Hashes of every evaluation case: checked again on the final selection. */
  evalHashes: ReadonlySet<string>;
  /** Tokens one example costs as rendered turns. */
  exampleTokens(example: FewShotExample): number;
}

export interface Selection {
  examples: FewShotExample[];
  tokens: number;
}

/**
 * Picks the examples for one case: the strategy ranks the pool, the budget takes up to k in that order, the guard
 * checks the result. Returned nearest-last for the embedding strategies, so the most relevant example sits right
 * before the real input.
 */
export function selectExamples(
  spec: FewShotSpec,
  ctx: SelectionContext,
  query: { input: string; vector?: ArrayLike<number> },
): Selection {
  const s = spec.strategy;
  let ranked: FewShotExample[];
  switch (s.type) {
    case 'fixed':
      ranked = rankFixed(ctx.pool, s.examples);
      break;
    case 'random':
      ranked = rankSeededRandom(ctx.pool, s.seed, query.input);
      break;
    case 'similar':
    case 'mmr': {
      if (!query.vector || !ctx.poolVectors)
        throw new Error(`few-shot strategy '${s.type}' needs embeddings of the pool and the case`);
      const order =
        s.type === 'similar'
          ? rankBySimilarity(query.vector, ctx.poolVectors)
          : rankMmr(query.vector, ctx.poolVectors, s.lambda, Math.max(s.fetch, spec.k));
      ranked = order.map((i) => ctx.pool[i]!);
      break;
    }
  }
  const { items, tokens } = takeWithinBudget(ranked, spec.k, ctx.exampleTokens, spec.tokenBudget);
  assertNoEvalCases(items, ctx.evalHashes);
  const examples = s.type === 'similar' || s.type === 'mmr' ? items.reverse() : items;
  return { examples, tokens };
}
