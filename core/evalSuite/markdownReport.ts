import { chartMetrics, type EvalReportData } from './reportData';

const f3 = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(3));
const usd = (x: number | undefined) => (x === undefined ? 'n/a' : `$${x.toFixed(x < 0.01 ? 6 : 4)}`);
const ms = (x: number | undefined) => (x === undefined ? 'n/a' : `${Math.round(x)} ms`);
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The run's report as Markdown: leaderboard, comparisons, gate, per-case differences, recorded choices. */
export function renderMarkdownReport(d: EvalReportData): string {
  const metrics = chartMetrics(d.variants, d.primaryMetric);
  const out: string[] = [`# Eval: ${d.suite}`, ''];
  if (d.description) out.push(d.description, '');
  out.push(`Generated ${d.generatedAt}. Primary metric: **${d.primaryMetric}**.`, '', '## Leaderboard', '');
  out.push(
    `| # | variant | model | ${metrics.join(' | ')} | 95% CI | pass/fail/error | latency p50 / p95 | cost | prompt |`,
  );
  out.push(`|---|---|---|${metrics.map(() => '---').join('|')}|---|---|---|---|---|`);
  d.variants.forEach((v, i) => {
    out.push(
      `| ${i + 1} | ${cell(v.label)}${v.variantId === d.candidate ? ' (candidate)' : ''}` +
        `${v.variantId === d.baseline ? ' (baseline)' : ''} | ${cell(v.model)} | ` +
        `${metrics.map((m) => f3(v.metrics[m])).join(' | ')} | ` +
        `${v.interval ? `[${f3(v.interval.low)}, ${f3(v.interval.high)}]` : 'n/a'} | ${v.passed}/${v.failed}/` +
        `${v.errored} | ${ms(v.metrics.latency_p50_ms)} / ${ms(v.metrics.latency_p95_ms)} | ` +
        `${usd(v.metrics.cost_usd)} | ${v.promptVersion.slice(0, 12)} |`,
    );
  });
  if (d.comparisons.length) {
    out.push(
      '',
      '## Paired comparisons',
      '',
      '| candidate | baseline | metric | difference | interval | McNemar p | n |',
      '|---|---|---|---|---|---|---|',
    );
    for (const c of d.comparisons) {
      out.push(
        `| ${c.candidate} | ${c.baseline} | ${c.metric} | ${f3(c.diff)} | [${f3(c.low)}, ${f3(c.high)}] at ` +
          `${Math.round(c.level * 100)}% | ${c.pValue === undefined ? 'n/a' : c.pValue.toPrecision(3)} | ${c.n}` +
          ` |`,
      );
    }
  }
  if (d.gate) {
    out.push('', `## Gate: ${d.gate.passed ? 'PASSED' : 'FAILED'} (${d.gate.candidate})`, '', d.gate.reason, '');
    for (const r of d.gate.rules) out.push(`- ${r.passed ? '✓' : '✗'} \`${r.rule}\`: ${r.reason}`);
  }
  const cm = d.variants.find((v) => v.variantId === d.candidate)?.confusion ?? d.variants[0]?.confusion;
  if (cm) {
    out.push(
      '',
      '## Confusion matrix (rows: expected, columns: predicted)',
      '',
      `| | ${cm.labels.join(' | ')} |`,
      `|---|${cm.labels.map(() => '---').join('|')}|`,
    );
    cm.labels.forEach((l, i) => out.push(`| **${l}** | ${cm.counts[i]!.join(' | ')} |`));
  }
  if (d.diffs.length) {
    out.push(
      '',
      `## Cases where ${d.candidate} and ${d.baseline} differ (${d.diffTotal}` +
        `${d.diffTotal > d.diffs.length ? `, first ${d.diffs.length}` : ''})`,
      '',
    );
    out.push('| case | input | expected | candidate | baseline |', '|---|---|---|---|---|');
    for (const x of d.diffs)
      out.push(
        `| ${cell(x.caseId)} | ${cell(x.input.slice(0, 80))} | ${cell(x.expected ?? '')} | ` +
          `${x.candidate.status} ${cell(x.candidate.output.slice(0, 40))} | ${x.baseline.status} ` +
          `${cell(x.baseline.output.slice(0, 40))} |`,
      );
  }
  out.push('', '## How scores were computed', '', ...d.choices.map((c) => `- ${c}`), '');
  return out.join('\n');
}
