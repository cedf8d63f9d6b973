/** What a failed item does to the rest of the work (both stop taking new items). */
export interface MapBoundedOptions {
  /**
   * `fail-fast` (default): reject with the first error at once, as `Promise.all` does; work already in flight
   * runs on unwatched. `drain`: wait until the work already in flight has settled, then reject with the first
   * error, so nothing started by this call outlives it.
   */
  onError?: 'fail-fast' | 'drain';
}

/**
 * `fn` over every item with at most `limit` calls in flight; the results come back in the items' order. Lanes
 * take the next item as soon as they are free, and each lane's first call starts synchronously, lane by lane, in
 * the items' order: workflow code that schedules activities here schedules them in a deterministic order. Pure
 * (no timers, no I/O), so workflows may use it. After an error no lane takes a new item.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  options: MapBoundedOptions = {},
): Promise<R[]> {
  if (!(limit >= 1)) throw new RangeError(`mapBounded: limit must be at least 1, got ${limit}`);
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < items.length && !failure; i = next++) {
      try {
        results[i] = await fn(items[i]!, i);
      } catch (error) {
        failure ??= { error };
        throw error;
      }
    }
  };
  const lanes = Array.from({ length: Math.min(Math.floor(limit), items.length) }, lane);
  if (options.onError === 'drain') {
    await Promise.allSettled(lanes);
    if (failure) throw failure.error;
  } else {
    await Promise.all(lanes);
  }
  return results;
}
