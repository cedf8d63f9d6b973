import { pairedBootstrap, pairedBootstrapMean } from '../stats/pairedBootstrap';
import { mcnemarExact } from '../stats/mcnemar';
import { macroF1Of } from '../stats/classificationMetrics';
import type { Comparison } from '../stats/gateRules';
import type { CaseResult } from './caseResult';
import { classificationPairs, perCaseSeries } from './variantMetrics';

/**
 * candidate − baseline on one metric over the cases both scored (matched by case hash): a seeded paired bootstrap
 * interval, plus McNemar's exact test when the metric is pass/fail per case. Undefined when the metric has no
 * per-case values (e.g. a percentile).
 */
export function compareVariants(
  candidate: readonly CaseResult[],
  baseline: readonly CaseResult[],
  metric: string,
  level: number,
  seed = 'tailor',
  resamples = 2000,
): Comparison | undefined {
  const base = new Map(baseline.map((r) => [r.caseHash, r]));
  const cand = candidate.filter((r) => base.has(r.caseHash));
  const paired = cand.map((r) => base.get(r.caseHash)!);
  if (cand.length === 0) return undefined;
  const head = { candidate: cand[0]!.variantId, baseline: paired[0]!.variantId, metric, level };
  if (metric === 'macro_f1') {
    const a = classificationPairs(cand);
    const b = classificationPairs(paired);
    if (!a || !b) return undefined;
    const ci = pairedBootstrap(cand.length, (which, idx) => macroF1Of(which === 'candidate' ? a : b, idx), {
      level,
      seed,
      resamples,
    });
    return { ...head, diff: ci.diff, low: ci.low, high: ci.high, n: ci.n };
  }
  const a = perCaseSeries(cand, metric);
  const b = perCaseSeries(paired, metric);
  if (!a || !b) return undefined;
  const ci = pairedBootstrapMean(a, b, { level, seed, resamples });
  const binary = [...a, ...b].every((x) => x === 0 || x === 1);
  const mc = binary ? mcnemarExact(a, b) : undefined;
  return {
    ...head,
    diff: ci.diff,
    low: ci.low,
    high: ci.high,
    n: ci.n,
    ...(mc ? { pValue: mc.pValue, discordant: { baselineOnly: mc.b, candidateOnly: mc.c } } : {}),
  };
}
