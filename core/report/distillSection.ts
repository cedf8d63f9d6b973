import type { DistillResult, DistillSide } from '../distill/distillTypes';

const pct = (x: number | undefined) => (x === undefined ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const usd = (x: number | undefined) => (x === undefined ? 'n/a (no list price)' : `$${x.toFixed(4)}`);

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
      `(95% interval ${pct(c.agreementInterval.low)}–${pct(c.agreementInterval.high)}).` +
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
