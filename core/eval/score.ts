/** Scoring rules for one answer against its reference. Pure, so reports can be recomputed from stored outputs. */
export type Metric = 'exact_match' | 'contains';

/** Case, surrounding whitespace and trailing punctuation do not change a label. */
export function normaliseAnswer(s: string): string {
  return s
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[\s.!?"'`]+$/u, '')
    .replace(/^["'`]+/u, '');
}

export function scoreAnswer(metric: Metric, answer: string, reference: string): number {
  const a = normaliseAnswer(answer);
  const r = normaliseAnswer(reference);
  switch (metric) {
    case 'exact_match':
      return a === r ? 1 : 0;
    case 'contains':
      return a.includes(r) ? 1 : 0;
  }
}

/** A Wilson score interval (95%) for a proportion: how sure a leaderboard can be of a difference. */
export function wilsonInterval(successes: number, n: number, z = 1.96): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = successes / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
