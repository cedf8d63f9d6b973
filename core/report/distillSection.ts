import type { DistillComparison, DistillResult, DistillSide, TeacherAnswers } from '../distill/distillTypes';

const pct = (x: number | undefined) => (x === undefined ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const usd = (x: number | undefined) => (x === undefined ? 'n/a (no list price)' : `$${x.toFixed(4)}`);
const interval = (c: DistillComparison) => `${pct(c.agreementInterval.low)}–${pct(c.agreementInterval.high)}`;

/** The `distill` step's detail: `teacher answered 474 prompts (0 cached), 127455 tokens, $0.0389`. */
export function teacherStepDetail(
  t: Pick<TeacherAnswers, 'unique' | 'cached' | 'promptTokens' | 'completionTokens' | 'usd'>,
): string {
  const cost = t.usd === undefined ? '' : `, $${t.usd.toFixed(4)}`;
  const tokens = t.promptTokens + t.completionTokens;
  return `teacher answered ${t.unique} prompts (${t.cached} cached), ${tokens} tokens${cost}`;
}

/** The `compare` step's detail: `student agrees with teacher on 89.5% (95% 83.1–93.6%) of 95 held-out prompts`. */
export function compareStepDetail(d: Pick<DistillResult, 'comparison' | 'minAgreement'>): string {
  const c = d.comparison;
  const min = d.minAgreement
    ? `; minAgreement ${pct(d.minAgreement.required)} ${d.minAgreement.passed ? 'met' : 'not met'}`
    : '';
  const held = `of ${c.heldOut} held-out prompts`;
  return `student agrees with teacher on ${pct(c.agreement)} (95% ${interval(c)}) ${held}${min}`;
}

/** The terminal summary's compact Distillation lines: agreement, accuracy, and tokens and USD per 1,000 requests. */
export function distillSummaryLines(d: DistillResult): string[] {
  const c = d.comparison;
  const side = (role: string, s: DistillSide) =>
    `  ${role} ${s.model}: accuracy ${pct(s.accuracy)}, ${s.tokensPer1k.toLocaleString('en-US')} tokens and ` +
    `${usd(s.usdPer1k)} per 1,000 requests`;
  return [
    `Distillation: agreement ${pct(c.agreement)} (95% interval ${interval(c)}, ${c.metric}, n=${c.heldOut})` +
      (d.minAgreement
        ? `; minAgreement ${pct(d.minAgreement.required)} ${d.minAgreement.passed ? 'met' : 'not met'}`
        : ''),
    side('teacher', c.teacher),
    side('student', c.student),
  ];
}

/** The run report's "Distillation" section: what the teacher was asked, and student against teacher. */
export function distillSection(d: DistillResult): string[] {
  const t = d.teacher;
  const c = d.comparison;
  const row = (role: string, s: DistillSide) =>
    `| \`${s.model}\` | ${role} | ${pct(s.accuracy)} | ${s.tokensPer1k.toLocaleString('en-US')} | ${usd(s.usdPer1k)} |`;
  const asked = t.requested === t.model ? `\`${t.model}\`` : `\`${t.requested}\` (\`${t.model}\`)`;
  return [
    '',
    '## Distillation',
    '',
    `Teacher ${asked} answered ${t.unique} unique prompts (${t.prompts} read): ${t.calls} asked, ${t.cached} from ` +
      `the cache; ${t.promptTokens + t.completionTokens} tokens, ${usd(t.usd)} (this run: ${usd(t.spentUsd ?? 0)}, ` +
      `counted in the spend). ${t.trainExamples} answers were ` +
      `the training set; ${c.heldOut} prompts were held out (${c.withReference} with a reference).`,
    '',
    `Agreement (student matches teacher, ${c.metric}): **${pct(c.agreement)}** ` +
      `(95% interval ${interval(c)}).` +
      (d.minAgreement
        ? ` minAgreement ${pct(d.minAgreement.required)}: ${d.minAgreement.passed ? 'met' : 'not met'}.`
        : ''),
    '',
    '| model | role | accuracy | tokens per 1,000 requests | USD per 1,000 requests |',
    '| --- | --- | --- | --- | --- |',
    row('teacher', c.teacher),
    row('student', c.student),
  ];
}
