import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { clientResolved, type LoadedSpec } from '../../config/loadSpec';
import { TASK_QUEUE } from '../../workers/taskQueue';
import { customizationPipeline } from '../../workflows/customizationPipeline';
import { pipelineStartAttributes } from '../../core/operations/searchAttributes';
import { pipelineDataset } from './pipelineDataset';

/**
 * Runs are named by content: the same data and spec give the same run ID (see docs/architecture.md,
 * Content-derived IDs).
 */
export function runIdFor(pipeline: string, datasetSha256: string, specSha256: string): string {
  return `${pipeline}-${datasetSha256.slice(0, 12)}-${specSha256.slice(0, 12)}`;
}

export interface StartedPipeline {
  runId: string;
  handle: WorkflowHandle<typeof customizationPipeline>;
  /** True when a run with this ID already existed: nothing new was started. */
  existing: boolean;
}

/**
 * Starts the pipeline under its content-derived ID. When that run already exists (running or finished), the call
 * is a no-op that returns its handle, unless `rerun` asks for a fresh run (its ID gets a `-r<time>` suffix).
 */
export async function startPipeline(
  client: Client,
  loaded: LoadedSpec,
  opts: { rerun?: boolean; taskQueue?: string } = {},
): Promise<StartedPipeline> {
  const { spec, datasetSha256, datasetName, distillPrompts } = await pipelineDataset(loaded);
  const baseId = runIdFor(loaded.spec.name, datasetSha256, loaded.specSha256);
  const input = {
    spec,
    specSha256: loaded.specSha256,
    datasetSha256,
    ...(datasetName ? { datasetName } : {}),
    ...(distillPrompts ? { distillPrompts } : {}),
    ...clientResolved(loaded),
  };
  const attempt = async (workflowId: string, indexed: boolean) =>
    client.workflow.start(customizationPipeline, {
      workflowId,
      taskQueue: opts.taskQueue ?? TASK_QUEUE,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
      ...(indexed ? { typedSearchAttributes: pipelineStartAttributes(loaded.spec.name, datasetSha256) } : {}),
    });
  const start = async (workflowId: string) => {
    try {
      return await attempt(workflowId, true);
    } catch (err) {
      // A server without Tailor's search attributes registered still runs the pipeline, just less findable.
      const cause = (err as { cause?: { message?: string; details?: string } }).cause;
      if (/search attribute/i.test(`${(err as Error).message} ${cause?.message ?? ''} ${cause?.details ?? ''}`)) {
        console.warn(
          `tailor: this Temporal server lacks Tailor's search attributes (see README, "Search attributes"); ` +
            `starting without them`,
        );
        return attempt(workflowId, false);
      }
      throw err;
    }
  };
  try {
    const handle = await start(baseId);
    return { runId: baseId, handle, existing: false };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    if (!opts.rerun) return { runId: baseId, handle: client.workflow.getHandle(baseId), existing: true };
  }
  const rerunId = `${baseId}-r${Date.now().toString(36)}`;
  return { runId: rerunId, handle: await start(rerunId), existing: false };
}
