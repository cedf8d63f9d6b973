/** The summary the data-prep guide prints per distribution; p10/p90 are what its "p5/p95" labels actually compute. */
export interface DistributionSummary {
  min: number;
  max: number;
  mean: number;
  median: number;
  p10: number;
  p90: number;
}

/**
 * Exact quantiles of integer-valued data in memory bounded by the number of distinct values, not of samples:
 * token counts of a million examples take a few thousand map entries. Quantiles interpolate linearly between
 * order statistics, as numpy's default `np.quantile` (which the guide uses) does, so the figures match it.
 */
export class Distribution {
  private readonly counts = new Map<number, number>();
  private n = 0;
  private sum = 0;

  add(value: number): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
    this.n++;
    this.sum += value;
  }

  get size(): number {
    return this.n;
  }

  get total(): number {
    return this.sum;
  }

  summary(): DistributionSummary {
    if (this.n === 0) return { min: 0, max: 0, mean: 0, median: 0, p10: 0, p90: 0 };
    const keys = [...this.counts.keys()].sort((a, b) => a - b);
    const cum: number[] = [];
    let c = 0;
    for (const k of keys) cum.push((c += this.counts.get(k)!));
    const at = (rank: number): number => {
      // Smallest key whose cumulative count exceeds the 0-based rank.
      let lo = 0;
      let hi = keys.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid]! > rank) hi = mid;
        else lo = mid + 1;
      }
      return keys[lo]!;
    };
    const quantile = (q: number): number => {
      const h = (this.n - 1) * q;
      const f = Math.floor(h);
      const lower = at(f);
      return f + 1 < this.n ? lower + (h - f) * (at(f + 1) - lower) : lower;
    };
    return {
      min: keys[0]!,
      max: keys[keys.length - 1]!,
      mean: this.sum / this.n,
      median: quantile(0.5),
      p10: quantile(0.1),
      p90: quantile(0.9),
    };
  }
}
