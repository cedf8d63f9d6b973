import { distillSection } from './distillSection';
import type { CheaperVerdict } from '../gate/cheapestPassing';
import type { PipelineResult, StepState } from '../pipeline/pipelineTypes';
import { LOCAL_BACKEND_NOTE, servedByLocalBackend } from './localBackendNote';

export function formatDuration(step: Pick<StepState, 'startedAt' | 'endedAt'>): string {
  if (step.startedAt === undefined || step.endedAt === undefined) return '';
  const ms = step.endedAt - step.startedAt;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A cheaper variant's cost per case, in USD when priced, else in tokens. */
export function costPerCaseText(v: Pick<CheaperVerdict, 'costUnit' | 'costPerCase'>): string {
  return v.costUnit === 'usd' ? `$${v.costPerCase.toFixed(6)}` : `${v.costPerCase.toFixed(1)} tokens`;
}

/** The run report as Markdown: steps, validation, the leaderboard, the gate and the deployment. */
export function renderRunReport(r: PipelineResult): string {
  const lines: string[] = [];
  lines.push(
    `# Tailor run ${r.runId}`,
    '',
    `Pipeline \`${r.pipeline}\`, dataset sha256 \`${r.datasetSha256}\`, spec sha256 \`${r.specSha256}\`.`,
    '',
  );
  lines.push('## Steps', '', '| step | status | duration | detail |', '| --- | --- | --- | --- |');
  for (const s of r.steps)
    lines.push(`| ${s.name} | ${s.status} | ${formatDuration(s)} | ${s.detail ?? s.error ?? ''} |`);
  const v = r.validation;
  lines.push(
    '',
    '## Validation',
    '',
    `${v.examples} training examples, valid: ${v.valid}. Tokens: ${v.tokens.total} total, ${v.tokens.billed} ` +
      `billed per epoch.`,
  );
  lines.push(
    `Estimate: ${v.estimate.epochs} epochs × ${v.estimate.billedTokens} tokens ≈ $` +
      `${v.estimate.usd.toFixed(4)} on ${v.estimate.model}.`,
  );
  if (v.warnings.length) lines.push('', ...v.warnings.map((w) => `- warning: ${w}`));
  lines.push(
    '',
    '## Evaluation (same held-out split for every variant)',
    '',
    '| variant | model | score | 95% interval | n |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const s of r.leaderboard) {
    lines.push(
      `| ${s.label} | \`${s.model}\` | ${s.score.toFixed(3)} | ${s.interval.low.toFixed(3)}–` +
        `${s.interval.high.toFixed(3)} | ${s.n} |`,
    );
  }
  lines.push('', '## Gate', '', `${r.gate.passed ? 'Passed' : 'Failed'}: ${r.gate.reason}.`);
  for (const rule of r.gate.rules?.rules ?? []) lines.push(`- ${JSON.stringify(rule)}`);
  if (r.distill) lines.push(...distillSection(r.distill));
  if (r.cheaper) {
    lines.push(
      '',
      '### Cheaper variants first (`fineTune.when: needed`)',
      '',
      '| variant | gate | cost per case | reason |',
      '| --- | --- | --- | --- |',
    );
    for (const v of r.cheaper.verdicts) {
      lines.push(`| ${v.label} | ${v.gate.passed ? 'passed' : 'failed'} | ${costPerCaseText(v)} | ${v.gate.reason} |`);
    }
    const c = r.cheaper.chosen;
    lines.push(
      '',
      c
        ? `Kept: **${c.label}** on \`${c.model}\`` +
            `${c.promptVersion ? `, prompt version \`${c.promptVersion.slice(0, 12)}\`` : ''}, the cheapest ` +
            `variant that passed.`
        : 'None passed, so the model was fine-tuned.',
    );
  }
  if (r.evaluationHtml)
    lines.push(
      '',
      'The full evaluation (charts, confusion matrix, per-case differences) is in `evaluation.html` beside this file.',
    );
  lines.push(
    '',
    '## Deployment',
    '',
    `Outcome \`${r.deploy.outcome}\`: alias \`${r.deploy.alias}\` → \`${r.deploy.model ?? '(unchanged)'}\` ` +
      `(previous: \`${r.deploy.previous ?? 'none'}\`). ${r.deploy.reason}`,
  );
  const sp = r.spend;
  lines.push(
    '',
    '## Spend',
    '',
    `Budget: ${sp.budgetUsd === null ? 'none' : `$${sp.budgetUsd.toFixed(4)}`}; spent $${sp.totalUsd.toFixed(4)}.`,
  );
  for (const [step, usd] of Object.entries(sp.actualUsd))
    lines.push(
      `- ${step}: estimated $${(sp.estimatedUsd[step as keyof typeof sp.estimatedUsd] ?? 0).toFixed(4)}, ` +
        `actual $${(usd ?? 0).toFixed(4)}`,
    );
  if (r.fineTune) {
    lines.push(
      '',
      `Fine-tune job \`${r.fineTune.jobId}\` produced \`${r.fineTune.model}\` (final train loss ` +
        `${r.fineTune.finalTrainLoss ?? 'n/a'}, valid loss ${r.fineTune.finalValidLoss ?? 'n/a'}).`,
    );
  } else {
    lines.push('', 'No fine-tune job: a cheaper variant passed the gate (`fineTune.when: needed`).');
  }
  const models = [...r.leaderboard.map((v) => v.model), r.fineTune?.model];
  lines.push('', ...(servedByLocalBackend(models) ? [LOCAL_BACKEND_NOTE, ''] : []));
  return lines.join('\n');
}
