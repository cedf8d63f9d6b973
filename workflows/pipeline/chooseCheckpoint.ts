import { executeChild, patched } from '@temporalio/workflow';
import type { EvalSuiteResult } from '../../core/evalSuite/evalSuiteRun';
import { pipelineEvalSuite } from '../../core/evalSuite/pipelineSuite';
import {
  bestCheckpoint,
  checkpointVariantId,
  type Checkpoint,
  type CheckpointScore,
} from '../../core/fineTune/bestCheckpoint';
import type { FineTuneResult } from '../../core/pipeline/fineTuneTypes';
import { evalSuiteWorkflow } from '../evalSuiteWorkflow';
import type { PipelineRun, RunData } from './pipelineRun';

/**
 * Under `fineTune.checkpoints: best`: scores each of the job's checkpoints on the validation split (the test split
 * stays held out for the gate) in a child eval suite `${runId}/fine-tune-checkpoints`, and carries the best forward
 * as the fine-tuned model. When the best is the last checkpoint the job's own model goes on (the same weights).
 * Under the default `last`, and in runs recorded before this step existed, the job's result is returned unchanged.
 * Provider `self-hosted` has no checkpoints API: its trainer kept an output per checkpoint, each served by its digest,
 * and reported them in the job's result (`trainedCheckpoints`); the chosen one's digest and path become the
 * registry's details.
 */
export async function chooseCheckpoint(run: PipelineRun, data: RunData, ft: FineTuneResult): Promise<FineTuneResult> {
  const { spec, runId } = run;
  if (spec.fineTune.checkpoints !== 'best' || !patched('best-checkpoint')) return ft;
  const listed: Checkpoint[] =
    spec.provider.type === 'self-hosted'
      ? (ft.trainedCheckpoints ?? [])
      : await run.providerActivities.listJobCheckpoints({ jobId: ft.jobId, provider: spec.provider });
  if (listed.length === 0) return ft;
  const last = listed[listed.length - 1]!;
  const suite = pipelineEvalSuite({
    pipeline: spec.name,
    test: data.prepared.validation,
    variants: listed.map((c) => ({
      id: checkpointVariantId(c),
      label: `checkpoint at step ${c.step}`,
      model: c.model,
      mode: { type: 'zero-shot' },
    })),
    metric: spec.evaluation.metric,
    candidate: checkpointVariantId(last),
    baseline: checkpointVariantId(last),
    maxExamples: spec.evaluation.maxExamples,
    execution: { concurrency: spec.evaluation.concurrency },
  });
  const evaluation: EvalSuiteResult = await executeChild(evalSuiteWorkflow, {
    workflowId: `${runId}/fine-tune-checkpoints`,
    args: [{ suite, provider: spec.provider, seed: runId, timeouts: spec.timeouts }],
  });
  const scores: CheckpointScore[] = listed.map((c) => ({
    ...c,
    score: evaluation.leaderboard.find((s) => s.variantId === checkpointVariantId(c))?.score ?? 0,
  }));
  const best = bestCheckpoint(scores);
  const model = best.step === last.step ? ft.model : best.model;
  const chosen = ft.trainedCheckpoints?.find((c) => c.step === best.step);
  return {
    ...ft,
    model,
    checkpoints: { scores, chosen: { model: best.model, step: best.step } },
    ...(ft.selfHosted && chosen && model !== ft.model
      ? { selfHosted: { ...ft.selfHosted, adapterSha256: chosen.sha256, adapterPath: chosen.path, steps: chosen.step } }
      : {}),
  };
}
