import type { LoadedTemplate } from '../core/evalSuite/evalSuiteTypes';
import { ApplicationFailure, executeChild, patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, type SearchAttributePair } from '@temporalio/common';
import type { PipelineSpec } from '../core/pipeline/pipelineSpec';
import { feedbackExportRequest } from '../core/feedback/feedbackSource';
import { captureExportRequest } from '../core/capture/captureSource';
import { distillPromptsRequest } from '../core/distill/distillPromptsRequest';
import type { DistillPrompts } from '../core/spec/distillSpec';
import { pipelineRunId } from '../core/operations/pipelineRunId';
import { proxyFor } from './activityProxies';
import { customizationPipeline } from './customizationPipeline';
import {
  pipelineStartAttributes,
  TailorDatasetSha,
  TailorOutcome,
  TailorPipeline,
  TailorStage,
} from '../core/operations/searchAttributes';
import { Failure } from '../core/failures/failureTypes';

/** Stat, hash and one visibility query: seconds of work, retried a few times. */
const opsFor = (spec: PipelineSpec) => proxyFor('schedule', spec.timeouts);

export interface ScheduledPipelineInput {
  /** The spec resolved and validated when the schedule was created (the workflow loads nothing itself). */
  spec: PipelineSpec;
  specSha256: string;
  /** The spec's `baselines.prompts` templates, loaded when the schedule was created. */
  prompts?: LoadedTemplate[];
  /** Where `baselines.rag` indexes live, resolved by the client. */
  indexRoot?: string;
  /** End as `skipped` when the dataset hash equals the last successful run's. @default false */
  skipIfUnchanged?: boolean;
}

export type ScheduledPipelineResult =
  | { outcome: 'skipped'; datasetSha256: string; reason: string }
  | { outcome: 'duplicate'; datasetSha256: string; runId: string }
  | { outcome: 'completed'; datasetSha256: string; runId: string; deploy: string };

/**
 * What a Temporal Schedule starts: fingerprint the data, optionally skip when it has not changed since the last
 * successful run, else run the pipeline as a child under its content-derived ID. It waits for the child, so the
 * schedule's overlap policy governs whole pipeline runs, not just their starts.
 */
export async function scheduledPipelineWorkflow(input: ScheduledPipelineInput): Promise<ScheduledPipelineResult> {
  const { spec } = input;
  const ops = opsFor(spec);
  const indexed = workflowInfo().typedSearchAttributes.get(TailorPipeline) !== undefined;
  const mark = (pairs: SearchAttributePair[]) => indexed && upsertSearchAttributes(pairs);

  if (spec.dataset.source === 'feedback') return feedbackRun(input, ops, mark);
  if (spec.dataset.source === 'capture' && patched('capture-source')) return captureRun(input, ops, mark);
  if (spec.distill && patched('scheduled-distill')) return distillRun(input, spec.distill.prompts, ops, mark);

  const fingerprint = await ops.fingerprintDataset({ path: spec.dataset.path, force: true });
  const datasetSha256 = fingerprint.sha256;
  mark([{ key: TailorDatasetSha, value: datasetSha256 }]);

  const unchanged = 'the dataset is unchanged since the last successful run';
  const reason = await skipReason(input, ops, datasetSha256, undefined, unchanged);
  if (reason) return skipped(mark, datasetSha256, reason);
  return runPipeline(input, spec, datasetSha256, mark);
}

/**
 * `dataset.source: feedback` (a branch only specs with that key take, so older histories replay unchanged): the
 * feedback table is exported into the artifact store, and the run goes ahead only when the export holds at least
 * `minCount` items the last successful run's did not. The export's hash names the run like a file's would.
 */
async function feedbackRun(
  input: ScheduledPipelineInput,
  ops: ReturnType<typeof opsFor>,
  mark: Mark,
): Promise<ScheduledPipelineResult> {
  const { spec } = input;
  const last = await ops.lastSuccessfulDataset({ pipeline: spec.name });
  const data = await ops.materializeFeedbackDataset(feedbackExportRequest(spec.dataset, last));
  mark([{ key: TailorDatasetSha, value: data.sha256 }]);
  const minCount = spec.dataset.minCount ?? 1;
  if (data.newCount < minCount)
    return skipped(mark, data.sha256, `${data.newCount} new feedback items < minCount ${minCount}`);
  return runPipeline(input, { ...spec, dataset: { ...spec.dataset, path: data.path } }, data.sha256, mark);
}

/**
 * `dataset.source: capture`: the alias's captured traffic is exported into the artifact store; an empty export, or
 * (with skipIfUnchanged) the same export as the last successful run's, ends the tick as skipped.
 */
async function captureRun(
  input: ScheduledPipelineInput,
  ops: ReturnType<typeof opsFor>,
  mark: Mark,
): Promise<ScheduledPipelineResult> {
  const { spec } = input;
  const data = await ops.materializeCaptureDataset(captureExportRequest(spec.dataset));
  mark([{ key: TailorDatasetSha, value: data.sha256 }]);
  const empty = data.count === 0 ? `no captured traffic of ${spec.dataset.alias} to train on yet` : undefined;
  const unchanged = 'the captured data is unchanged since the last successful run';
  const reason = await skipReason(input, ops, data.sha256, empty, unchanged);
  if (reason) return skipped(mark, data.sha256, reason);
  return runPipeline(input, { ...spec, dataset: { ...spec.dataset, path: data.path } }, data.sha256, mark);
}

/**
 * A `distill:` spec: the run is named by its prompts, as `tailor run` names it (cli/stack/pipelineDataset.ts): the
 * prompts file's hash, or the hash of the alias's captured traffic exported with the same request. An empty export,
 * or (with skipIfUnchanged) the same hash as the last successful run's, ends the tick as skipped. The spec goes to
 * the pipeline unchanged; a capture export goes with it as `distillPrompts`, the prompts its distill phase reads.
 */
async function distillRun(
  input: ScheduledPipelineInput,
  prompts: DistillPrompts,
  ops: ReturnType<typeof opsFor>,
  mark: Mark,
): Promise<ScheduledPipelineResult> {
  const { spec } = input;
  let datasetSha256: string;
  let empty: string | undefined;
  let exported: string | undefined;
  if (prompts.from === 'capture') {
    const data = await ops.materializeCaptureDataset(distillPromptsRequest(prompts));
    datasetSha256 = data.sha256;
    exported = data.path;
    if (data.count === 0) empty = `no captured traffic of ${prompts.alias} to distil yet`;
  } else {
    datasetSha256 = (await ops.fingerprintDataset({ path: prompts.path, force: true })).sha256;
  }
  mark([{ key: TailorDatasetSha, value: datasetSha256 }]);
  const what = prompts.from === 'capture' ? `the captured traffic of ${prompts.alias} is` : 'the prompts file is';
  const reason = await skipReason(input, ops, datasetSha256, empty, `${what} unchanged since the last successful run`);
  if (reason) return skipped(mark, datasetSha256, reason);
  // The export goes with the run, so it distils exactly the traffic whose hash names it.
  return runPipeline(input, spec, datasetSha256, mark, exported);
}

type Mark = (pairs: SearchAttributePair[]) => unknown;

/**
 * Why a tick runs nothing: `empty` when there is no data, else (with skipIfUnchanged) `unchanged` when the data's
 * hash is the last successful run's. The last run is looked up only when that decides it.
 */
async function skipReason(
  input: ScheduledPipelineInput,
  ops: ReturnType<typeof opsFor>,
  datasetSha256: string,
  empty: string | undefined,
  unchanged: string,
): Promise<string | undefined> {
  if (empty) return empty;
  if (!input.skipIfUnchanged) return undefined;
  const last = await ops.lastSuccessfulDataset({ pipeline: input.spec.name });
  return last === datasetSha256 ? unchanged : undefined;
}

function skipped(mark: Mark, datasetSha256: string, reason: string): ScheduledPipelineResult {
  mark([{ key: TailorOutcome, value: 'skipped' }]);
  return { outcome: 'skipped', datasetSha256, reason };
}

/**
 * The pipeline as a child under its content-derived ID; a second start on the same content is a no-op.
 * `distillPrompts`: the capture export that named a `distill:` run (PipelineInput's field of that name).
 */
async function runPipeline(
  input: ScheduledPipelineInput,
  spec: PipelineSpec,
  datasetSha256: string,
  mark: Mark,
  distillPrompts?: string,
): Promise<ScheduledPipelineResult> {
  const { specSha256 } = input;
  const indexed = workflowInfo().typedSearchAttributes.get(TailorPipeline) !== undefined;
  const runId = pipelineRunId(spec.name, datasetSha256, specSha256);
  mark([{ key: TailorStage, value: 'pipeline' }]);
  try {
    const result = await executeChild(customizationPipeline, {
      workflowId: runId,
      args: [
        {
          spec,
          specSha256,
          datasetSha256,
          ...(distillPrompts ? { distillPrompts } : {}),
          ...(input.prompts ? { prompts: input.prompts } : {}),
          ...(input.indexRoot ? { indexRoot: input.indexRoot } : {}),
        },
      ],
      // Same as `tailor run`: a run on unchanged data and spec is never repeated (see docs/architecture.md,
      // Content-derived IDs).
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: indexed ? pipelineStartAttributes(spec.name, datasetSha256) : undefined,
    });
    mark([{ key: TailorOutcome, value: 'completed' }]);
    return { outcome: 'completed', datasetSha256, runId, deploy: result.deploy.outcome };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      mark([{ key: TailorOutcome, value: 'duplicate' }]);
      return { outcome: 'duplicate', datasetSha256, runId };
    }
    mark([{ key: TailorOutcome, value: 'failed' }]);
    throw err instanceof ApplicationFailure
      ? err
      : ApplicationFailure.create({
          message: `pipeline run ${runId} failed`,
          type: Failure.PipelineFailed,
          cause: err as Error,
        });
  }
}
