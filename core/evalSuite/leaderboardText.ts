import { textTable } from '../text/textTable';
import type { EvalSuiteResult } from './evalSuiteRun';

const f3 = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(3));

/** The leaderboard, comparisons and gate decision as terminal text (`tailor eval`, and the demo's summary). */
export function leaderboardText(
  r: Pick<
    EvalSuiteResult,
    'leaderboard' | 'variants' | 'comparisons' | 'gate' | 'primaryMetric' | 'candidate' | 'baseline'
  >,
): string {
  // Each assertion's mean score is a column too (recall@k, MRR, faithfulness…): a metric with a `.pass_rate` sibling.
  const graded = [
    ...new Set(r.variants.flatMap((v) => Object.keys(v.metrics).filter((k) => `${k}.pass_rate` in v.metrics))),
  ].filter((m) => m !== 'classification');
  const extra = ['macro_f1', 'pass_rate', ...graded.slice(0, 6)].filter(
    (m) => m !== r.primaryMetric && r.variants.some((v) => m in v.metrics),
  );
  const rows = r.leaderboard.map((s, i) => {
    const v = r.variants.find((x) => x.variantId === s.variantId)!;
    const role = s.variantId === r.candidate ? ' *' : s.variantId === r.baseline ? ' (baseline)' : '';
    return [
      String(i + 1),
      `${s.label}${role}`,
      s.model,
      f3(s.score),
      `[${f3(s.interval.low)}, ${f3(s.interval.high)}]`,
      ...extra.map((m) => f3(v.metrics[m])),
      `${v.passed}/${v.failed}/${v.errored}`,
      v.metrics.latency_p95_ms === undefined ? 'n/a' : `${Math.round(v.metrics.latency_p95_ms)} ms`,
      v.metrics.cost_usd === undefined ? 'n/a' : `$${v.metrics.cost_usd.toFixed(4)}`,
    ];
  });
  const lines = [
    textTable(['#', 'variant', 'model', r.primaryMetric, '95% CI', ...extra, 'pass/fail/err', 'p95', 'cost'], rows),
  ];
  if (r.comparisons.length) {
    lines.push('');
    for (const c of r.comparisons) {
      lines.push(
        `${c.candidate} vs ${c.baseline} on ${c.metric}: ${c.diff >= 0 ? '+' : ''}${f3(c.diff)} [${f3(c.low)}` +
          `, ${f3(c.high)}] at ${Math.round(c.level * 100)}%` +
          `${c.pValue !== undefined ? `, McNemar p=${c.pValue.toPrecision(3)}` : ''}`,
      );
    }
  }
  if (r.gate.rules.length) {
    lines.push('', `gate ${r.gate.passed ? 'PASSED' : 'FAILED'} for ${r.gate.candidate}:`);
    for (const rule of r.gate.rules) lines.push(`  ${rule.passed ? 'ok  ' : 'FAIL'} ${rule.rule}: ${rule.reason}`);
  }
  return lines.join('\n');
}
