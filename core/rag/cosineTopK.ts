import { cosine } from '../fewshot/vectors';
import type { ScoredIndex } from './bm25';

/**
 * Exact top-k by cosine similarity over plain arrays: a bounded insertion list, so k ≪ n costs O(n·d + n·k) with
 * no full sort. Ties keep the earlier position. This is the "exact" reference every approximate search is
 * measured against.
 */
export function cosineTopK(query: ArrayLike<number>, vectors: readonly ArrayLike<number>[], k: number): ScoredIndex[] {
  const top: ScoredIndex[] = [];
  if (k <= 0) return top;
  for (let index = 0; index < vectors.length; index++) {
    const score = cosine(query, vectors[index]!);
    if (top.length === k && score <= top[k - 1]!.score) continue;
    let at = top.length === k ? k - 1 : top.length;
    while (at > 0 && top[at - 1]!.score < score) at--;
    top.splice(at, 0, { index, score });
    if (top.length > k) top.pop();
  }
  return top;
}
