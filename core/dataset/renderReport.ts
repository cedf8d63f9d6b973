import type { DistributionSummary } from './distribution';
import { ERROR_CATEGORIES, type ErrorCategory } from './errorCategories';
import type { ValidationReport } from './validationReport';

const fmt = (n: number): string =>
  Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 1 });

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}

function distRow(name: string, d: DistributionSummary): string[] {
  return [name, fmt(d.min), fmt(d.max), fmt(d.mean), fmt(d.median), fmt(d.p10), fmt(d.p90)];
}

/** The human `tailor validate` report: verdict, errors with samples, statistics and cost as aligned tables. */
export function renderReport(r: ValidationReport, file: string): string {
  const out: string[] = [];
  const errorTotal = Object.values(r.errors).reduce((a, b) => a + (b ?? 0), 0);
  out.push(
    `${file}: ${r.valid ? 'VALID' : 'INVALID'}: ${fmt(r.examples)} examples, ${r.method} on ${r.model} (` +
      `${r.encoding}, ${fmt(r.exampleTokenLimit)} tokens/example)`,
  );
  if (errorTotal > 0) {
    out.push('', `Errors (${fmt(errorTotal)}):`);
    const rows = [['category', 'count', 'meaning']];
    for (const [cat, n] of Object.entries(r.errors))
      rows.push([cat, fmt(n ?? 0), ERROR_CATEGORIES[cat as ErrorCategory] ?? '']);
    out.push(...table(rows).map((l) => `  ${l}`));
    out.push('', 'First errors:');
    for (const s of r.errorSamples.slice(0, 20)) out.push(`  line ${s.line}: [${s.category}] ${s.message}`);
  }
  if (r.warnings.length > 0) {
    out.push('', 'Warnings:');
    for (const w of r.warnings) out.push(`  - ${w}`);
  }
  out.push('', 'Per example:');
  out.push(
    ...table([
      ['', 'min', 'max', 'mean', 'median', 'p10', 'p90'],
      distRow('messages', r.stats.messagesPerExample),
      distRow('tokens', r.tokens.perExample),
      distRow('assistant tokens', r.tokens.assistantPerExample),
    ]).map((l) => `  ${l}`),
  );
  if (r.labels) {
    out.push('', 'Labels:');
    out.push(
      ...table([['label', 'examples'], ...Object.entries(r.labels).map(([l, n]) => [l, fmt(n)])]).map((l) => `  ${l}`),
    );
  }
  const e = r.estimate;
  out.push('', 'Cost estimate:');
  out.push(
    ...table([
      ['tokens in file', fmt(r.tokens.total)],
      ['billed per epoch', fmt(r.tokens.billed)],
      ['epochs', `${e.epochs} (${e.epochsSource === 'given' ? 'from the spec' : "OpenAI's default rule"})`],
      ['billed tokens', fmt(e.billedTokens)],
      ['price per 1M', e.pricePerMillion > 0 ? `$${e.pricePerMillion}` : 'n/a'],
      ['estimated cost', e.pricePerMillion > 0 ? `$${e.usd.toFixed(2)}` : 'n/a'],
    ]).map((l) => `  ${l}`),
  );
  return out.join('\n');
}
