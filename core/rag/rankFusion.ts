/** The constant of reciprocal rank fusion (Cormack, Clarke & Büttcher, 2009): damps the top ranks' dominance. */
export const RRF_K = 60;

/**
 * Reciprocal rank fusion: score(id) = Σ 1/(k + rank) over the lists that hold it (rank 1-based). Rank-based, so
 * BM25 scores and cosines need no common scale. Ties keep first appearance (dense list first when it is first).
 */
export function reciprocalRankFusion(
  lists: readonly (readonly string[])[],
  k = RRF_K,
): { id: string; score: number }[] {
  const scores = new Map<string, number>();
  for (const list of lists) list.forEach((id, r) => scores.set(id, (scores.get(id) ?? 0) + 1 / (k + r + 1)));
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}
