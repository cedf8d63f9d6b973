import { ParentClosePolicy, patched, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { SunsetReport } from '../activities/operations/findSunsets';
import type { ProviderSpec } from '../core/spec/providerSpec';
import { pipelineRunId } from '../core/operations/pipelineRunId';
import { successorsDue, type SunsetFollowUp, type SunsetSuccessor } from '../core/operations/sunsetFollowUp';
import { proxyFor } from './activityProxies';
import { customizationPipeline } from './customizationPipeline';
import { pipelineStartAttributes } from '../core/operations/searchAttributes';

/** One registry read and one `/v1/models` call; provider hiccups are retried for a while. */
const ops = proxyFor('sunset');

export interface SunsetWatchInput {
  /** How far ahead a shutdown date counts, in ms. */
  horizonMs: number;
  pipeline?: string;
  provider?: ProviderSpec;
  /**
   * Pipelines to start when a finding calls for them (`tailor sunset --successors FILE`). @default none: report only
   */
  successors?: SunsetSuccessor[];
  /** The server knows Tailor's search attributes, so follow-up runs are tagged with them. @default false */
  indexed?: boolean;
}

export type SunsetWatchResult = SunsetReport & { followUps?: SunsetFollowUp[] };

/**
 * The base-model sunset check as a workflow, so a Temporal Schedule can run it (`tailor sunset --schedule 1d`) and
 * its report stays in history as the workflow's result. With successors configured, each finding that calls for one
 * starts that pipeline under its content-derived run ID (the same as `tailor run`), so a repeated check starts
 * nothing new; the pipeline evaluates the alias's current model and gates against it as any run does.
 */
export async function sunsetWatchWorkflow(input: SunsetWatchInput): Promise<SunsetWatchResult> {
  const { successors, indexed, ...check } = input;
  const report = await ops.findSunsets(check);
  // Old inputs (no successors) produce exactly the commands they always did.
  if (!successors?.length || !patched('sunset-follow-up')) return report;
  const followUps: SunsetFollowUp[] = [];
  for (const { successor, sunsetting } of successorsDue(report.findings, successors)) {
    followUps.push(await startSuccessor(successor, sunsetting, indexed === true));
  }
  return { ...report, followUps };
}

async function startSuccessor(
  successor: SunsetSuccessor,
  sunsetting: string[],
  indexed: boolean,
): Promise<SunsetFollowUp> {
  const { spec, specSha256, prompts, indexRoot } = successor;
  const { sha256: datasetSha256 } = await ops.fingerprintDataset({ path: spec.dataset.path, force: true });
  const workflowId = pipelineRunId(spec.name, datasetSha256, specSha256);
  const followUp = { pipeline: spec.name, sunsetting, successorBaseModel: spec.baseModel, datasetSha256, workflowId };
  try {
    await startChild(customizationPipeline, {
      workflowId,
      args: [{ spec, specSha256, datasetSha256, ...(prompts ? { prompts } : {}), ...(indexRoot ? { indexRoot } : {}) }],
      // The successor run outlives this check (a scheduled check ends in seconds; a fine-tune takes hours).
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: indexed ? pipelineStartAttributes(spec.name, datasetSha256) : undefined,
    });
    return { ...followUp, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { ...followUp, started: false };
    throw err;
  }
}
