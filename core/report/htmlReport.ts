import { metricGroups, type EvalReportData } from '../evalSuite/reportData';
import type { VariantMetrics } from '../evalSuite/variantMetrics';

/**
 * One self-contained HTML file for an eval run: inline CSS and SVG, no scripts, fonts or images from anywhere, so
 * it opens offline, attaches to a ticket, and renders the same in any browser. Sections: leaderboard, one bar chart
 * per metric (with 95% intervals where known), the gate's decision, paired comparisons, the confusion matrix,
 * per-case differences between candidate and baseline, cost and latency, and how the scores were computed.
 */
export function renderHtmlReport(d: EvalReportData): string {
  const groups = metricGroups(d.variants, d.primaryMetric);
  const metrics = groups.map((g) => g.metric);
  const body = [
    `<header><h1>Eval: ${esc(d.suite)}</h1>${d.description ? `<p>${esc(d.description)}</p>` : ''}<p ` +
      `class="muted">Generated ${esc(d.generatedAt)} · primary metric <b>${esc(d.primaryMetric)}</b> · ` +
      `${d.variants[0]?.n ?? 0} cases</p></header>`,
    d.gate ? gateSection(d) : '',
    leaderboard(d, metrics),
    `<section><h2>Metrics</h2><div class="charts">${groups
      .map((g) => barChart(g.metric, d.variants, g.metric === d.primaryMetric, g.same))
      .join('')}</div></section>`,
    comparisons(d),
    confusion(d),
    costLatency(d.variants),
    diffs(d),
    `<section><h2>How scores were computed</h2><ul class="small">` +
      `${d.choices.map((c) => `<li>${esc(c)}</li>`).join('')}</ul></section>`,
  ].join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Eval: ${esc(d.suite)}</title>
<style>${CSS}</style></head>
<body>${body}</body></html>
`;
}

export const CSS = `
:root{--fg:#1d2330;--muted:#667085;--line:#e4e7ec;--bg:#fff;--accent:#3b5bdb;--good:#2b8a3e;--bad:#c92a2a;
--soft:#f5f7fb}
*{box-sizing:border-box}body{margin:0 auto;max-width:1180px;padding:24px 28px 64px;
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:24px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px;padding-bottom:4px;
border-bottom:1px solid var(--line)}
.muted{color:var(--muted)}.small{font-size:12px;color:var(--muted)}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}th,td{padding:6px 8px;
border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:#475467}
td.num{text-align:right}tr.cand td{background:#eef2ff}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:11px;font-weight:600;color:#fff}
.pass{background:var(--good)}.fail{background:var(--bad)}.error{background:#e67700}
.gate{padding:12px 16px;border-radius:8px;margin-top:16px;border:1px solid}.gate.ok{border-color:#b2f2bb;
background:#ebfbee}.gate.no{border-color:#ffc9c9;background:#fff5f5}
.gate ul{margin:6px 0 0;padding-left:20px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:16px}
.chart{border:1px solid var(--line);border-radius:8px;padding:10px 12px}.chart h3{margin:0 0 6px;font-size:13px}
.cm td{text-align:center;min-width:44px}.cm th.row{text-align:right}
.out{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;white-space:pre-wrap;word-break:break-word}
`;

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
const f3 = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(3));
const usd = (x: number | undefined) => (x === undefined ? 'n/a' : `$${x.toFixed(x < 0.01 ? 6 : 4)}`);
const ms = (x: number | undefined) => (x === undefined ? 'n/a' : `${Math.round(x)} ms`);

function role(d: EvalReportData, id: string): string {
  return id === d.candidate
    ? ' <span class="badge" style="background:var(--accent)">candidate</span>'
    : id === d.baseline
      ? ' <span class="badge" style="background:#868e96">baseline</span>'
      : '';
}

function leaderboard(d: EvalReportData, metrics: string[]): string {
  const rows = d.variants
    .map(
      (v, i) =>
        `<tr${v.variantId === d.candidate ? ' class="cand"' : ''}><td class="num">${i + 1}</td><td><b>${esc(v.label)}</b>${role(d, v.variantId)}<div class="small">${esc(v.model)} · prompt ${esc(v.promptVersion.slice(0, 12))}</div></td>${metrics
          .map((m) => `<td class="num">${f3(v.metrics[m])}</td>`)
          .join(
            '',
          )}<td class="num">${v.interval ? `[${f3(v.interval.low)}, ${f3(v.interval.high)}]` : 'n/a'}</td><td class="num">${v.passed} / ${v.failed} / ${v.errored}</td></tr>`,
    )
    .join('');
  return (
    `<section><h2>Leaderboard</h2><table><thead><tr><th>#</th><th>variant</th>` +
    `${metrics.map((m) => `<th>${esc(m)}</th>`).join('')}<th>95% CI (${esc(d.primaryMetric)})</th><th>pass / ` +
    `fail / error</th></tr></thead><tbody>${rows}</tbody></table></section>`
  );
}

/** A horizontal bar chart in SVG, one bar per variant, with the Wilson interval as a whisker on the primary metric. */
function barChart(metric: string, variants: readonly VariantMetrics[], primary: boolean, same: string[] = []): string {
  const sameText = same.length ? ` <span class="small">= ${esc(same.join(', '))}</span>` : '';
  const rowH = 26;
  const labelW = 150;
  const barW = 180;
  const h = variants.length * rowH + 24;
  const x = (v: number) => labelW + Math.max(0, Math.min(1, v)) * barW;
  const bars = variants
    .map((v, i) => {
      const val = v.metrics[metric] ?? 0;
      const y = 8 + i * rowH;
      const whisker =
        primary && v.interval
          ? `<line x1="${x(v.interval.low)}" x2="${x(v.interval.high)}" y1="${y + 9}" y2="${y + 9}" ` +
            `stroke="#1d2330" stroke-width="1.5"/><line x1="${x(v.interval.low)}" x2="${x(v.interval.low)}" ` +
            `y1="${y + 4}" y2="${y + 14}" stroke="#1d2330"/><line x1="${x(v.interval.high)}" x2="` +
            `${x(v.interval.high)}" y1="${y + 4}" y2="${y + 14}" stroke="#1d2330"/>`
          : '';
      return (
        `<text x="${labelW - 8}" y="${y + 13}" text-anchor="end" font-size="11" fill="#1d2330">` +
        `${esc(v.label.slice(0, 22))}</text><rect x="${labelW}" y="${y}" width="${barW}" height="18" ` +
        `fill="#f1f3f5"/><rect x="${labelW}" y="${y}" width="${(x(val) - labelW).toFixed(1)}" height="18" ` +
        `fill="${i === 0 ? '#3b5bdb' : '#91a7ff'}"/>${whisker}<text x="${labelW + barW + 6}" y="${y + 13}" ` +
        `font-size="11" fill="#1d2330">${f3(val)}</text>`
      );
    })
    .join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (t) =>
        `<line x1="${x(t)}" x2="${x(t)}" y1="4" y2="${h - 16}" stroke="#e4e7ec"/><text x="${x(t)}" y="` +
        `${h - 4}" font-size="9" text-anchor="middle" fill="#667085">${t}</text>`,
    )
    .join('');
  return (
    `<div class="chart"><h3>${esc(metric)}${primary ? ' (primary)' : ''}${sameText}</h3><svg role="img" ` +
    `aria-label="${esc(metric)} by variant" width="100%" viewBox="0 0 ${labelW + barW + 48} ${h}" ` +
    `xmlns="http://www.w3.org/2000/svg">${ticks}${bars}</svg></div>`
  );
}

function gateSection(d: EvalReportData): string {
  const g = d.gate!;
  return `<div class="gate ${g.passed ? 'ok' : 'no'}"><b>Gate ${g.passed ? 'passed' : 'failed'}</b> for <b>${esc(g.candidate)}</b>: ${esc(g.reason)}<ul>${g.rules
    .map(
      (r) =>
        `<li><span class="badge ${r.passed ? 'pass' : 'fail'}">${r.passed ? 'pass' : 'fail'}</span> <code>` +
        `${esc(r.rule)}</code> — ${esc(r.reason)}</li>`,
    )
    .join('')}</ul></div>`;
}

function comparisons(d: EvalReportData): string {
  if (!d.comparisons.length) return '';
  const rows = d.comparisons
    .map((c) => {
      const sig = c.low > 0 ? 'better' : c.high < 0 ? 'worse' : 'no clear difference';
      return (
        `<tr><td>${esc(c.candidate)}</td><td>${esc(c.baseline)}</td><td>${esc(c.metric)}</td><td class="num">` +
        `${f3(c.diff)}</td><td class="num">[${f3(c.low)}, ${f3(c.high)}] at ${Math.round(c.level * 100)}` +
        `%</td><td class="num">${c.pValue === undefined ? 'n/a' : c.pValue.toPrecision(3)}` +
        `${c.discordant ? ` <span class="small">(` + `${c.discordant.candidateOnly} vs ` + `${c.discordant.baselineOnly})</span>` : ''}` +
        `</td><td>${sig}</td></tr>`
      );
    })
    .join('');
  return (
    `<section><h2>Paired comparisons</h2><p class="small">Same cases, seeded paired bootstrap; McNemar's exact ` +
    `test on pass/fail metrics (discordant cases: candidate-only vs baseline-only ` +
    `passes).</p><table><thead><tr><th>candidate</th><th>baseline</th><th>metric</th><th>difference</th><th>interval</th><th>McNemar ` +
    `p</th><th>reading</th></tr></thead><tbody>${rows}</tbody></table></section>`
  );
}

function confusion(d: EvalReportData): string {
  const v = d.variants.find((x) => x.variantId === d.candidate && x.confusion) ?? d.variants.find((x) => x.confusion);
  const cm = v?.confusion;
  if (!v || !cm) return '';
  const max = Math.max(1, ...cm.counts.flat());
  const cells = cm.labels
    .map(
      (l, i) =>
        `<tr><th class="row">${esc(l)}</th>` +
        `${cm.counts[i]!.map((n, j) => `<td style="background:${heat(n / max, i === j)}">${n}</td>`).join('')}` +
        `</tr>`,
    )
    .join('');
  return (
    `<section><h2>Confusion matrix: ${esc(v.label)}</h2><p class="small">Rows: expected label; columns: ` +
    `predicted.</p><table class="cm"><thead><tr><th></th>${cm.labels.map((l) => `<th>${esc(l)}</th>`).join('')}` +
    `</tr></thead><tbody>${cells}</tbody></table></section>`
  );
}

function heat(t: number, diagonal: boolean): string {
  if (t === 0) return '#fff';
  const a = (0.12 + 0.75 * t).toFixed(2);
  return diagonal ? `rgba(43,138,62,${a})` : `rgba(201,42,42,${a})`;
}

function costLatency(variants: readonly VariantMetrics[]): string {
  const rows = variants
    .map(
      (v) =>
        `<tr><td>${esc(v.label)}</td><td class="num">${ms(v.metrics.latency_p50_ms)}</td><td class="num">` +
        `${ms(v.metrics.latency_p95_ms)}</td><td class="num">${Math.round(v.metrics.prompt_tokens ?? 0)}` +
        `</td><td class="num">${Math.round(v.metrics.completion_tokens ?? 0)}</td><td class="num">` +
        `${usd(v.metrics.cost_usd)}</td><td class="num">${usd(v.metrics.cost_per_case_usd)}</td><td ` +
        `class="num">${v.providerCalls} / ${v.cacheHits}</td></tr>`,
    )
    .join('');
  return (
    `<section><h2>Cost and latency</h2><table><thead><tr><th>variant</th><th>latency p50</th><th>latency ` +
    `p95</th><th>prompt tokens</th><th>completion tokens</th><th>cost</th><th>per case</th><th>requested / ` +
    `cached</th></tr></thead><tbody>${rows}</tbody></table><p class="small">Cost at list prices (n/a when the ` +
    `model has none); latency is the wall time of each answer as the worker measured it.</p></section>`
  );
}

function diffs(d: EvalReportData): string {
  if (!d.candidate || !d.baseline) return '';
  if (!d.diffs.length)
    return (
      `<section><h2>Per-case differences</h2><p class="muted">${esc(d.candidate)} and ${esc(d.baseline)} agree ` +
      `on every case.</p></section>`
    );
  const badge = (s: string) => `<span class="badge ${s}">${s}</span>`;
  const rows = d.diffs
    .map(
      (x) =>
        `<tr><td>${esc(x.caseId)}</td><td class="out">${esc(x.input.slice(0, 160))}</td><td class="out">` +
        `${esc(x.expected ?? '')}</td><td>${badge(x.candidate.status)} <span class="out">` +
        `${esc(x.candidate.output.slice(0, 80))}</span></td><td>${badge(x.baseline.status)} <span ` +
        `class="out">${esc(x.baseline.output.slice(0, 80))}</span></td></tr>`,
    )
    .join('');
  return (
    `<section><h2>Per-case differences: ${esc(d.candidate)} vs ${esc(d.baseline)}</h2><p class="small">` +
    `${d.diffTotal} case(s) differ` +
    `${d.diffTotal > d.diffs.length ? `; the first ${d.diffs.length} shown, regressions first` : ', regressions first'}` +
    `.</p><table><thead><tr><th>case</th><th>input</th><th>expected</th><th>candidate</th><th>baseline</th></tr></thead><tbody>` +
    `${rows}</tbody></table></section>`
  );
}
