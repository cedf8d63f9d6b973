import type { Comparison, GateRuleDecision } from '../stats/gateRules';
import type { CaseResult } from './caseResult';
import type { VariantMetrics } from './variantMetrics';

/** Everything an eval report shows: built by the report activity from the run's summary and case results. */
export interface EvalReportData {
  suite: string;
  description?: string;
  generatedAt: string;
  primaryMetric: string;
  /** Leaderboard order (best primary metric first). */
  variants: VariantMetrics[];
  comparisons: Comparison[];
  gate?: GateRuleDecision;
  candidate?: string;
  baseline?: string;
  /** Cases where candidate and baseline disagree on status or score (first few hundred). */
  diffs: CaseDiff[];
  diffTotal: number;
  choices: readonly string[];
}

export interface CaseDiff {
  caseId: string;
  input: string;
  expected?: string;
  candidate: Pick<CaseResult, 'output' | 'status' | 'score'>;
  baseline: Pick<CaseResult, 'output' | 'status' | 'score'>;
}

export const MAX_DIFFS = 300;

export function caseDiffs(
  candidate: readonly CaseResult[],
  baseline: readonly CaseResult[],
): { diffs: CaseDiff[]; total: number } {
  const base = new Map(baseline.map((r) => [r.caseHash, r]));
  const all: CaseDiff[] = [];
  for (const c of candidate) {
    const b = base.get(c.caseHash);
    if (!b || (b.status === c.status && b.score === c.score)) continue;
    all.push({
      caseId: c.caseId,
      input: c.input,
      ...(c.expected !== undefined ? { expected: c.expected } : {}),
      candidate: { output: c.output, status: c.status, score: c.score },
      baseline: { output: b.output, status: b.status, score: b.score },
    });
  }
  // Regressions first: they are what a reviewer must see.
  all.sort((x, y) => x.candidate.score - x.baseline.score - (y.candidate.score - y.baseline.score));
  return { diffs: all.slice(0, MAX_DIFFS), total: all.length };
}

/** Metrics worth a chart: proportions and scores in [0, 1] that every variant has, each distinct one once. */
export function chartMetrics(variants: readonly VariantMetrics[], primary: string): string[] {
  return metricGroups(variants, primary).map((g) => g.metric);
}

/**
 * The chartable metrics grouped by their values: `accuracy`, `pass_rate` and a classification assertion's own
 * score are the same numbers for every variant when the suite has one assertion, so they make one chart
 * (`accuracy`, with `same` naming the others) rather than three identical ones. The primary metric leads.
 */
export function metricGroups(
  variants: readonly VariantMetrics[],
  primary: string,
): { metric: string; same: string[] }[] {
  const names = new Set<string>();
  for (const v of variants) {
    for (const [k, x] of Object.entries(v.metrics)) {
      if (x >= 0 && x <= 1 && !k.endsWith('_usd') && k !== 'error_rate') names.add(k);
    }
  }
  const shared = [...names].filter((k) => variants.every((v) => k in v.metrics));
  const rest = shared.filter((k) => k !== primary && !k.endsWith('.pass_rate'));
  const ordered = [primary, ...rest].filter((k) => shared.includes(k));
  const key = (m: string) => variants.map((v) => v.metrics[m]!.toFixed(9)).join('|');
  const groups = new Map<string, { metric: string; same: string[] }>();
  for (const m of ordered) {
    const g = groups.get(key(m));
    if (g) g.same.push(m);
    else groups.set(key(m), { metric: m, same: [] });
  }
  return [...groups.values()].slice(0, 8);
}
