/**
 * Takes up to `k` items in preference order whose token costs fit together in `budget` (all of them when there is
 * no budget). An item too large to fit is skipped, not a stop: a shorter, slightly less preferred example is better
 * than none.
 */
export function takeWithinBudget<T>(
  ranked: readonly T[],
  k: number,
  cost: (item: T) => number,
  budget?: number,
): { items: T[]; tokens: number } {
  const items: T[] = [];
  let tokens = 0;
  for (const item of ranked) {
    if (items.length >= k) break;
    const c = cost(item);
    if (budget !== undefined && tokens + c > budget) continue;
    items.push(item);
    tokens += c;
  }
  return { items, tokens };
}
