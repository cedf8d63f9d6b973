import { textTable } from '../text/textTable';
import type { CandidateOutcome, PromptSearchResult } from './searchTypes';

/** What the report shows: the result without its report references (it is rendered before they exist). */
export type SearchReportData = Omit<PromptSearchResult, 'reports'>;

const f3 = (x: number) => x.toFixed(3);
const usd = (o: CandidateOutcome) => (o.priced ? `$${o.costUsd.toFixed(5)}` : 'n/a');

function partsText(o: CandidateOutcome): string {
  const entries = Object.entries(o.candidate.parts);
  return entries.length ? entries.map(([k, v]) => `${k} ${v}`).join(', ') : '(as the starting prompt)';
}

/** Rows best first: rank, candidate (short key + marks), origin, parts, dev score, interval, tokens, cost. */
function rows(d: SearchReportData): string[][] {
  const ordered = [...d.outcomes].sort((a, b) => b.score - a.score);
  return ordered.map((o, i) => {
    const marks = [
      o.candidate.key === d.winnerKey ? 'winner' : '',
      o.candidate.key === d.baseKey ? 'start' : '',
      o.source === 'resumed' ? 'resumed' : '',
    ].filter(Boolean);
    return [
      String(i + 1),
      `${o.candidate.key.slice(0, 12)}${marks.length ? ` (${marks.join(', ')})` : ''}`,
      o.candidate.origin,
      partsText(o),
      f3(o.score),
      `[${f3(o.interval.low)}, ${f3(o.interval.high)}]`,
      String(o.promptTokens + o.completionTokens),
      usd(o),
    ];
  });
}

const HEADERS = ['#', 'candidate', 'origin', 'parts', 'dev score', '95% CI', 'tokens', 'cost'];

function summaryLines(d: SearchReportData): string[] {
  const winner = d.outcomes.find((o) => o.candidate.key === d.winnerKey)!;
  const base = d.outcomes.find((o) => o.candidate.key === d.baseKey);
  const held = d.heldOut;
  return [
    `${d.outcomes.length} candidates scored on the development split (validation, ${d.split.devCases} ` +
      `cases); stopped: ${stopText(d.stoppedBy)}; spent ≈ $${d.spentUsd.toFixed(5)}`,
    `winner ${d.winnerKey.slice(0, 12)}: dev ${d.primaryMetric} ${f3(winner.score)}` +
      `${base ? ` vs ${f3(base.score)} for the starting prompt` : ''}`,
    `held-out (test split, ${held.cases} cases, not used to choose): winner ${f3(held.winner.score)} [` +
      `${f3(held.winner.interval.low)}, ${f3(held.winner.interval.high)}]` +
      (held.base
        ? `, starting prompt ${f3(held.base.score)} [${f3(held.base.interval.low)}, ${f3(held.base.interval.high)}]`
        : ''),
  ];
}

function stopText(s: PromptSearchResult['stoppedBy']): string {
  return s === 'exhausted'
    ? 'every candidate scored'
    : s === 'candidates'
      ? 'candidate budget reached'
      : 'USD budget reached';
}

/** The search as terminal text (`tailor prompt-search`). */
export function searchReportText(d: SearchReportData): string {
  return [textTable(HEADERS, rows(d)), '', ...summaryLines(d)].join('\n');
}

/** The search as a Markdown document (stored as an artifact). */
export function searchReportMarkdown(d: SearchReportData): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const winner = d.outcomes.find((o) => o.candidate.key === d.winnerKey)!;
  const t = winner.candidate.prompt.template;
  return [
    `# Prompt search ${d.searchId}`,
    '',
    `Pipeline \`${d.pipeline}\`, model \`${d.model}\`, metric ${d.primaryMetric}.`,
    '',
    ...summaryLines(d).map((l) => `- ${l}`),
    '',
    `| ${HEADERS.join(' | ')} |`,
    `| ${HEADERS.map(() => '---').join(' | ')} |`,
    ...rows(d).map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
    '## The winner',
    '',
    `Template version \`${winner.candidate.prompt.version}\`` +
      `${winner.candidate.fewShot ? `, with ${winner.candidate.fewShot.k} ` + `${winner.candidate.fewShot.strategy.type} ` + `examples from the ` + `train split` : ''}` +
      `.`,
    '',
    '```yaml',
    `system: ${JSON.stringify(t.system)}`,
    ...(t.instructions ? [`instructions: ${JSON.stringify(t.instructions)}`] : []),
    ...(t.constraints.length ? [`constraints: ${JSON.stringify(t.constraints)}`] : []),
    ...(t.outputFormat ? [`outputFormat: ${JSON.stringify(t.outputFormat)}`] : []),
    `stepByStep: ${JSON.stringify(t.stepByStep)}`,
    '```',
    '',
  ].join('\n');
}
