import { rngFromSeed } from './seed';

export interface BootstrapOptions {
  /** Resamples drawn. @default 2000 */
  resamples?: number;
  /** Two-sided confidence level. @default 0.95 */
  level?: number;
  /** Seed of the resampling: the same inputs and seed always give the same interval. @default 'tailor' */
  seed?: string | number;
}

export interface BootstrapInterval {
  /** statistic(candidate) − statistic(baseline) on the full sample. */
  diff: number;
  low: number;
  high: number;
  level: number;
  resamples: number;
  n: number;
  seed: string | number;
}

/**
 * A paired bootstrap confidence interval for the difference of a statistic between two variants scored on the
 * same cases: each resample draws case indices with replacement and evaluates both variants on the same draw, so
 * the case-to-case variation both share cancels out. Percentile method. `statistic` gets the resampled indices
 * (accuracy is a mean; macro-F1 needs the whole resample, which is why it is a function of indices).
 */
export function pairedBootstrap(
  n: number,
  statistic: (which: 'candidate' | 'baseline', indices: Int32Array) => number,
  opts: BootstrapOptions = {},
): BootstrapInterval {
  const resamples = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  const seed = opts.seed ?? 'tailor';
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const diff = n === 0 ? 0 : statistic('candidate', all) - statistic('baseline', all);
  if (n === 0) return { diff: 0, low: 0, high: 0, level, resamples, n, seed };
  const rng = rngFromSeed(seed);
  const diffs = new Float64Array(resamples);
  const idx = new Int32Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(rng() * n);
    diffs[r] = statistic('candidate', idx) - statistic('baseline', idx);
  }
  diffs.sort();
  const alpha = (1 - level) / 2;
  return { diff, low: quantile(diffs, alpha), high: quantile(diffs, 1 - alpha), level, resamples, n, seed };
}

/** The paired bootstrap of a mean of per-case scores (accuracy, pass rate, a grader's mean score). */
export function pairedBootstrapMean(
  candidate: ArrayLike<number>,
  baseline: ArrayLike<number>,
  opts: BootstrapOptions = {},
): BootstrapInterval {
  if (candidate.length !== baseline.length)
    throw new RangeError(`paired scores differ in length: ${candidate.length} vs ${baseline.length}`);
  return pairedBootstrap(
    candidate.length,
    (which, idx) => {
      const xs = which === 'candidate' ? candidate : baseline;
      let s = 0;
      for (let i = 0; i < idx.length; i++) s += xs[idx[i]!]!;
      return s / idx.length;
    },
    opts,
  );
}

/** Linear interpolation between order statistics (type 7, numpy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
