import { rankBySimilarity } from './selectSimilar';
import { cosine } from './vectors';

/**
 * Maximal marginal relevance (Carbonell & Goldstein, 1998): repeatedly take the candidate maximising
 * λ·sim(query, c) − (1−λ)·max sim(c, chosen). Near-duplicate examples teach the model one thing twice; MMR spends
 * the prompt on different neighbours instead. Returns pool positions in selection order (all `fetch` candidates,
 * so a token budget can keep walking).
 */
export function rankMmr(
  query: ArrayLike<number>,
  pool: readonly ArrayLike<number>[],
  lambda: number,
  fetch: number,
): number[] {
  const candidates = rankBySimilarity(query, pool).slice(0, fetch);
  const relevance = new Map(candidates.map((i) => [i, cosine(query, pool[i]!)]));
  const chosen: number[] = [];
  const remaining = new Set(candidates);
  while (remaining.size > 0) {
    let best = -1;
    let bestScore = -Infinity;
    for (const c of candidates) {
      if (!remaining.has(c)) continue;
      let redundancy = 0;
      for (const s of chosen) redundancy = Math.max(redundancy, cosine(pool[c]!, pool[s]!));
      const score = lambda * relevance.get(c)! - (1 - lambda) * (chosen.length ? redundancy : 0);
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    chosen.push(best);
    remaining.delete(best);
  }
  return chosen;
}
