import type { DistributionSummary } from './distribution';

/** A count as people read it: whole numbers as they are, others to one decimal (`170.1`, not `170.10000000000002`). */
export function roundedCount(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 10) / 10);
}

/** `min 12, p10 30.5, median 88, mean 90.2, p90 170.1, max 400`: per-example token statistics on one line. */
export function tokenStatsText(d: DistributionSummary): string {
  const parts: [string, number][] = [
    ['min', d.min],
    ['p10', d.p10],
    ['median', d.median],
    ['mean', d.mean],
    ['p90', d.p90],
    ['max', d.max],
  ];
  return parts.map(([name, n]) => `${name} ${roundedCount(n)}`).join(', ');
}
