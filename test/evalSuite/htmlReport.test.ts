import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RECORDED_CHOICES } from '../../core/evalSuite/recordedChoices';
import type { EvalReportData } from '../../core/evalSuite/reportData';
import { variantMetrics } from '../../core/evalSuite/variantMetrics';
import type { CaseResult } from '../../core/evalSuite/caseResult';
import { caseDiffs } from '../../core/evalSuite/reportData';
import { compareVariants } from '../../core/evalSuite/compareVariants';
import { renderHtmlReport } from '../../core/report/htmlReport';
import { renderMarkdownReport } from '../../core/evalSuite/markdownReport';

const LABELS = ['billing', 'shipping', 'refund_request'];

/**
 * Synthetic case results: a candidate right 9 times in 10, a baseline right 5 times in 10, with real graders' shapes.
 */
function results(variantId: string, every: number): CaseResult[] {
  return Array.from({ length: 60 }, (_, i) => {
    const expected = LABELS[i % 3]!;
    const right = i % 10 < every;
    const predicted = right ? expected : LABELS[(i + 1) % 3]!;
    return {
      variantId,
      model: variantId === 'ft' ? 'ft:gpt-4o-mini-2024-07-18:tailor-local::abc' : 'gpt-4o-mini-2024-07-18',
      promptVersion: 'a'.repeat(64),
      index: i,
      caseId: `line-${i + 1}`,
      caseHash: `h${i}`,
      input: `ticket <${i}> & "quotes"`,
      expected,
      output: predicted,
      latencyMs: 100 + i,
      usage: { prompt_tokens: 60, completion_tokens: 2 },
      costUsd: 0.00002,
      cached: false,
      grades: [
        {
          name: 'classification',
          type: 'classification',
          score: right ? 1 : 0,
          passed: right,
          errored: false,
          label: { expected, predicted },
        },
      ],
      status: right ? 'pass' : 'fail',
      score: right ? 1 : 0,
    };
  });
}

function reportData(): EvalReportData {
  const ft = results('ft', 9);
  const zero = results('zero', 5);
  const meta = (id: string) => ({
    variantId: id,
    label: id === 'ft' ? 'fine-tuned' : 'zero-shot',
    model: id,
    promptVersion: 'a'.repeat(64),
    primaryMetric: 'accuracy',
  });
  const cmp = compareVariants(ft, zero, 'accuracy', 0.95)!;
  const { diffs, total } = caseDiffs(ft, zero);
  return {
    suite: 'support-tickets',
    description: 'a <b>test</b> report',
    generatedAt: '2026-11-28T00:00:00.000Z',
    primaryMetric: 'accuracy',
    variants: [variantMetrics(ft, meta('ft')), variantMetrics(zero, meta('zero'))],
    comparisons: [cmp],
    gate: {
      passed: true,
      candidate: 'ft',
      reason: 'all 1 gate rule(s) passed',
      rules: [
        {
          rule: 'accuracy >= 0.85',
          passed: true,
          metric: 'accuracy',
          actual: 0.9,
          op: '>=',
          threshold: 0.85,
          reason: 'accuracy 0.900 meets >= 0.85',
        },
      ],
    },
    candidate: 'ft',
    baseline: 'zero',
    diffs,
    diffTotal: total,
    choices: RECORDED_CHOICES,
  };
}

function chromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const r = spawnSync('which', [name], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return undefined;
}
const browser = chromium();

describe('HTML eval report', () => {
  it(
    'is one self-contained file: leaderboard, charts, gate, comparisons, confusion matrix, differences, cost ' +
      'and latency',
    () => {
      const html = renderHtmlReport(reportData());
      expect(html).toMatch(/^<!doctype html>/);
      for (const part of [
        'Leaderboard',
        '<svg',
        'Gate passed',
        'Paired comparisons',
        'Confusion matrix',
        'Per-case differences: ft vs zero',
        'Cost and latency',
        'How scores were computed',
      ])
        expect(html).toContain(part);
      // No external assets and no script: it opens offline and cannot run anything.
      expect(html).not.toMatch(/<script|<link|src=|url\(|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
      // Case text is escaped.
      expect(html).toContain('ticket &lt;5&gt; &amp; &quot;quotes&quot;');
      expect(html).not.toContain('<b>test</b>');
      const md = renderMarkdownReport(reportData());
      expect(md).toContain('| 1 | fine-tuned (candidate) |');
    },
  );

  it('draws one chart per distinct metric: equal accuracy, pass_rate and classification scores are one', () => {
    const html = renderHtmlReport(reportData());
    const titles = [...html.matchAll(/<div class="chart"><h3>(.*?)<\/h3>/g)].map((m) => m[1]);
    // Balanced synthetic labels make macro-F1 equal accuracy too: the same numbers, one chart naming them all.
    expect(titles).toEqual(['accuracy (primary) <span class="small">= pass_rate, classification, macro_f1</span>']);
    // The leaderboard's columns are the same distinct metrics.
    expect(html).toContain('<th>variant</th><th>accuracy</th><th>95% CI');
  });

  // Skipped on a developer machine without Chromium; under CI it must run (.ci/run installs Debian's chromium).
  (browser || process.env.CI ? it : it.skip)(
    `renders in headless Chromium (${browser ?? 'not installed: apt-get install -y chromium'}) and a ` +
      `screenshot is taken`,
    () => {
      if (!browser) throw new Error('no chromium on PATH: CI must install it (apt-get install -y chromium)');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-html-'));
      const file = path.join(dir, 'report.html');
      const png = path.join(dir, 'report.png');
      fs.writeFileSync(file, renderHtmlReport(reportData()));
      execFileSync(
        browser!,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--no-first-run',
          '--disable-component-update',
          '--disable-sync',
          '--disable-dev-shm-usage',
          `--user-data-dir=${path.join(dir, 'profile')}`,
          '--window-size=1280,2400',
          `--screenshot=${png}`,
          `file://${file}`,
        ],
        { stdio: 'pipe', timeout: 90_000 },
      );
      const bytes = fs.readFileSync(png);
      expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a'); // PNG signature
      const width = bytes.readUInt32BE(16);
      const height = bytes.readUInt32BE(20);
      expect([width, height]).toEqual([1280, 2400]);
      expect(bytes.length).toBeGreaterThan(50_000); // a rendered page, not a blank one
      if (process.env.TAILOR_KEEP_SCREENSHOT) fs.copyFileSync(png, process.env.TAILOR_KEEP_SCREENSHOT);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  );
});
