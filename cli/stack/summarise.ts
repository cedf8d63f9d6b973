import type { Client } from '@temporalio/client';
import type { PipelineResult } from '../../core/pipeline/pipelineTypes';
import type { DistillResult, DistillSide } from '../../core/distill/distillTypes';
import { tokenStatsText } from '../../core/dataset/tokenStatsText';
import { servedByLocalBackend } from '../../core/report/localBackendNote';
import { distillSummaryLines } from '../../core/report/distillSection';
import { costPerCaseText, formatDuration } from '../../core/report/renderRunReport';
import { textTable } from '../../core/text/textTable';
import { stepAttempts, type StepAttempts } from './stepAttempts';

export interface RunSummary {
  runId: string;
  pipeline: string;
  steps: { name: string; status: string; attempts: number | null; durationMs: number | null; detail: string | null }[];
  evaluation: { variant: string; model: string; score: number; correct: number; n: number }[];
  scores: { base: number | null; fineTuned: number | null; fewShot: number | null; production: number | null };
  deployed: { outcome: string; alias: string; model: string | null; previous: string | null };
  gate: { passed: boolean; reason: string };
  validation: {
    examples: number;
    tokens: number;
    perExample: { min: number; median: number; mean: number; max: number; p10: number; p90: number };
    billedTokens: number;
    epochs: number;
    estimatedUsd: number;
    model: string;
  };
  /** `distill:` runs: student against teacher on the held-out prompts (the report's Distillation section). */
  distill: {
    agreement: number;
    agreementInterval: { low: number; high: number };
    metric: string;
    heldOut: number;
    minAgreement: { required: number; passed: boolean } | null;
    teacher: DistillSide;
    student: DistillSide;
  } | null;
  report: string;
}

export async function summarise(client: Client, result: PipelineResult, reportDir: string): Promise<RunSummary> {
  const attempts: Partial<Record<string, StepAttempts>> = await stepAttempts(client, result.runId);
  const byId = (pred: (id: string) => boolean) => result.leaderboard.find((s) => pred(s.variantId))?.score ?? null;
  return {
    runId: result.runId,
    pipeline: result.pipeline,
    steps: result.steps.map((s) => ({
      name: s.name,
      status: s.status,
      attempts: attempts[s.name]?.attempts ?? null,
      durationMs: s.startedAt !== undefined && s.endedAt !== undefined ? s.endedAt - s.startedAt : null,
      detail: s.detail ?? s.error ?? null,
    })),
    evaluation: result.leaderboard.map((s) => ({
      variant: s.label,
      model: s.model,
      score: s.score,
      correct: s.correct,
      n: s.n,
    })),
    scores: {
      base: byId((id) => id === 'base-zero-shot'),
      fewShot: byId((id) => id.startsWith('base-few-shot')),
      fineTuned: byId((id) => id === 'fine-tuned'),
      production: byId((id) => id === 'production'),
    },
    deployed: {
      outcome: result.deploy.outcome,
      alias: result.deploy.alias,
      model: result.deploy.model,
      previous: result.deploy.previous,
    },
    gate: { passed: result.gate.passed, reason: result.gate.reason },
    validation: {
      examples: result.validation.examples,
      tokens: result.validation.tokens.total,
      perExample: result.validation.tokens.perExample,
      billedTokens: result.validation.estimate.billedTokens,
      epochs: result.validation.estimate.epochs,
      estimatedUsd: result.validation.estimate.usd,
      model: result.validation.estimate.model,
    },
    distill: distillSummary(result.distill),
    report: reportDir,
  };
}

function distillSummary(d: DistillResult | undefined): RunSummary['distill'] {
  if (!d) return null;
  const { agreement, agreementInterval, metric, heldOut, teacher, student } = d.comparison;
  return { agreement, agreementInterval, metric, heldOut, teacher, student, minAgreement: d.minAgreement ?? null };
}

/** Said only of runs the local backend served (core/report/localBackendNote.ts). */
function localNote(result: PipelineResult): string {
  const models = [...result.leaderboard.map((v) => v.model), result.fineTune?.model];
  return servedByLocalBackend(models) ? "; the local backend's models are small CPU learners, not LLMs" : '';
}

export function renderSummary(s: RunSummary, result: PipelineResult): string {
  const steps = textTable(
    ['step', 'status', 'attempts', 'duration', 'detail'],
    result.steps.map((st, i) => [
      st.name,
      st.status,
      String(s.steps[i]?.attempts ?? '-'),
      formatDuration(st),
      st.detail ?? st.error ?? '',
    ]),
  );
  const n = result.leaderboard[0]?.n ?? 0;
  const evalTable = textTable(
    ['variant', 'model', 'score', '95% interval', 'correct'],
    result.leaderboard.map((v) => [
      v.label,
      v.model,
      v.score.toFixed(3),
      `${v.interval.low.toFixed(3)}–${v.interval.high.toFixed(3)}`,
      `${v.correct}/${v.n}`,
    ]),
  );
  const v = s.validation;
  return [
    '',
    'Steps',
    steps,
    '',
    `Validation: ${v.examples} training examples, ${v.tokens} tokens (per example: ${tokenStatsText(v.perExample)})`,
    `Cost estimate: ${v.epochs} epochs × ${v.billedTokens} billed tokens ≈ $${v.estimatedUsd.toFixed(4)} at ` +
      `${v.model} training prices (config/pricing.ts)`,
    '',
    `Evaluation on the same held-out split (n=${n}${localNote(result)})`,
    evalTable,
    '',
    ...(result.distill ? [...distillSummaryLines(result.distill), ''] : []),
    ...(result.cheaper ? [cheaperLines(result.cheaper), ''] : []),
    `Gate: ${s.gate.passed ? 'passed' : 'failed'}: ${s.gate.reason}`,
    result.deploy.outcome === 'not_needed'
      ? `Deploy: not_needed: ${result.deploy.reason}`
      : `Deploy: ${s.deployed.outcome}: ${s.deployed.alias} → ${s.deployed.model ?? '(unchanged)'} (previous: ` +
        `${s.deployed.previous ?? 'none'})`,
    `Report: ${s.report}/report.md${result.evaluationHtml ? ` and ${s.report}/evaluation.html` : ''}`,
  ].join('\n');
}

/** `fineTune.when: needed`: each cheaper variant's gate verdict and cost, and which one was kept. */
function cheaperLines(c: NonNullable<PipelineResult['cheaper']>): string {
  const table = textTable(
    ['cheaper variant', 'gate', 'cost per case', 'reason'],
    c.verdicts.map((v) => [v.label, v.gate.passed ? 'passed' : 'failed', costPerCaseText(v), v.gate.reason]),
  );
  const kept = c.chosen
    ? `Kept ${c.chosen.label}` +
      `${c.chosen.promptVersion ? ` (prompt version ${c.chosen.promptVersion.slice(0, 12)})` : ''}: ` +
      `fine-tuning was not needed`
    : 'No cheaper variant passed: fine-tuned';
  return `${table}\n${kept}`;
}
