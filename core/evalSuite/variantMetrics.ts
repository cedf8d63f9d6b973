import type { GradeResult } from '../graders/gradeTypes';
import { wilsonInterval } from '../eval/score';
import { classificationMetrics, type ConfusionMatrix } from '../stats/classificationMetrics';
import type { CaseResult } from './caseResult';

/**
 * A variant's scores over its case results. Metric names (what gate rules and reports use):
 *   pass_rate            share of cases whose every assertion passed (errored cases count as not passed)
 *   error_rate           share of cases with an errored answer or grade
 *   accuracy, macro_f1   from the first `classification` assertion, when there is one
 *   <name>               mean score of the assertion called <name>; <name>.pass_rate its pass share
 *   latency_p50_ms, latency_p95_ms, latency_mean_ms   wall time of the model's answers (cached answers keep theirs)
 *   cost_usd, cost_per_case_usd                       list-price cost of the answers (absent when unpriced)
 *   prompt_tokens, completion_tokens
 */
export interface VariantMetrics {
  variantId: string;
  label: string;
  model: string;
  promptVersion: string;
  n: number;
  passed: number;
  failed: number;
  errored: number;
  metrics: Record<string, number>;
  /** 95% Wilson interval of the primary metric when it is a proportion. */
  interval?: { low: number; high: number };
  confusion?: ConfusionMatrix;
  /** Answers served from the result cache vs requested from the provider. */
  cacheHits: number;
  providerCalls: number;
}

export function variantMetrics(
  results: readonly CaseResult[],
  meta: { variantId: string; label: string; model: string; promptVersion: string; primaryMetric: string },
): VariantMetrics {
  const n = results.length;
  const passed = results.filter((r) => r.status === 'pass').length;
  const errored = results.filter((r) => r.status === 'error').length;
  const metrics: Record<string, number> = { pass_rate: n ? passed / n : 0, error_rate: n ? errored / n : 0 };

  const byName = new Map<string, GradeResult[]>();
  for (const r of results) for (const g of r.grades) byName.set(g.name, [...(byName.get(g.name) ?? []), g]);
  for (const [name, gs] of byName) {
    metrics[name] = mean(gs.map((g) => g.score));
    metrics[`${name}.pass_rate`] = gs.filter((g) => g.passed).length / gs.length;
  }

  let confusion: ConfusionMatrix | undefined;
  const pairs = classificationPairs(results);
  if (pairs) {
    const cm = classificationMetrics(pairs);
    metrics.accuracy = cm.accuracy;
    metrics.macro_f1 = cm.macroF1;
    confusion = cm.confusion;
  }

  const latencies = results
    .map((r) => r.latencyMs)
    .filter((x): x is number => x !== undefined)
    .sort((a, b) => a - b);
  if (latencies.length) {
    metrics.latency_p50_ms = percentile(latencies, 0.5);
    metrics.latency_p95_ms = percentile(latencies, 0.95);
    metrics.latency_mean_ms = mean(latencies);
  }
  const costs = results.map((r) => r.costUsd);
  if (n && costs.every((c) => c !== undefined)) {
    metrics.cost_usd = costs.reduce((s: number, c) => s + c!, 0);
    metrics.cost_per_case_usd = metrics.cost_usd / n;
  }
  metrics.prompt_tokens = results.reduce((s, r) => s + (r.usage?.prompt_tokens ?? 0), 0);
  metrics.completion_tokens = results.reduce((s, r) => s + (r.usage?.completion_tokens ?? 0), 0);

  const primary = perCaseSeries(results, meta.primaryMetric);
  const binary = primary && primary.every((x) => x === 0 || x === 1);
  return {
    ...meta,
    n,
    passed,
    failed: n - passed - errored,
    errored,
    metrics,
    ...(binary
      ? {
          interval: wilsonInterval(
            primary.reduce((s: number, x) => s + x, 0),
            n,
          ),
        }
      : {}),
    ...(confusion ? { confusion } : {}),
    cacheHits: results.filter((r) => r.cached).length,
    providerCalls: results.filter((r) => !r.cached && r.error === undefined).length,
  };
}

/** (expected, predicted) per case from the first classification grade; undefined when no case has one. */
export function classificationPairs(
  results: readonly CaseResult[],
): { expected: string; predicted: string }[] | undefined {
  const pairs = results.map(
    (r) =>
      r.grades.find((g) => g.type === 'classification')?.label ??
      (r.status === 'error' && r.expected !== undefined
        ? { expected: r.expected.toLowerCase(), predicted: '(error)' }
        : undefined),
  );
  if (!pairs.some(Boolean)) return undefined;
  return pairs.map((p) => p ?? { expected: '(none)', predicted: '(error)' });
}

/** The per-case values behind a mean metric (for paired comparisons); undefined for metrics that are not means. */
export function perCaseSeries(results: readonly CaseResult[], metric: string): number[] | undefined {
  if (metric === 'pass_rate') return results.map((r) => (r.status === 'pass' ? 1 : 0));
  if (metric === 'accuracy') {
    const pairs = classificationPairs(results);
    return pairs?.map((p) => (p.expected === p.predicted ? 1 : 0));
  }
  if (metric === 'latency_mean_ms')
    return results.every((r) => r.latencyMs !== undefined) ? results.map((r) => r.latencyMs!) : undefined;
  const passRate = metric.endsWith('.pass_rate');
  const name = passRate ? metric.slice(0, -'.pass_rate'.length) : metric;
  const grades = results.map((r) => r.grades.find((g) => g.name === name));
  if (grades.every((g) => g === undefined)) return undefined;
  return grades.map((g) => (g ? (passRate ? (g.passed ? 1 : 0) : g.score) : 0));
}

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
