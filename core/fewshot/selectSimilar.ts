import { cosine } from './vectors';

/** Pool positions ordered by cosine similarity to the query, nearest first; ties keep pool order. */
export function rankBySimilarity(query: ArrayLike<number>, pool: readonly ArrayLike<number>[]): number[] {
  const scored = pool.map((v, i) => ({ i, s: cosine(query, v) }));
  scored.sort((a, b) => b.s - a.s || a.i - b.i);
  return scored.map((x) => x.i);
}
