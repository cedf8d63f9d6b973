import type { LoadedTemplate } from '../core/evalSuite/evalSuiteTypes';
import {
  condition,
  continueAsNew,
  ParentClosePolicy,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { PipelineSpec } from '../core/pipeline/pipelineSpec';
import { changeEvaluationIdFor, pipelineRunId } from '../core/operations/pipelineRunId';
import { activityProxies, proxyFor } from './activityProxies';
import { customizationPipeline } from './customizationPipeline';
import {
  datasetChangedSignal,
  stopWatchSignal,
  watcherStatusQuery,
  type WatcherStatus,
} from './datasetWatcherMessages';
import { evaluateWorkflow } from './evaluateWorkflow';
import { TailorDatasetSha, TailorPipeline } from '../core/operations/searchAttributes';

/** A fingerprint is a stat and sometimes a hash: short attempts, so a lost worker is noticed quickly. */
const opsFor = (spec: PipelineSpec) => proxyFor('watch', spec.timeouts);

// Defined with the workflow's other messages; clients that import them from here keep working.
export { datasetChangedSignal, stopWatchSignal, watcherStatusQuery, type WatcherStatus };

interface Fingerprint {
  size: number;
  mtimeMs: number;
  sha256: string;
}

export interface DatasetWatcherInput {
  spec: PipelineSpec;
  specSha256: string;
  /** The spec's `baselines.prompts` templates, loaded by the client. */
  prompts?: LoadedTemplate[];
  /** Where `baselines.rag` indexes live, resolved by the client. */
  indexRoot?: string;
  /** Time between ticks, as a Temporal duration in ms. */
  everyMs: number;
  /** Quiet time a change must stay unchanged before it triggers. @default 0 */
  debounceMs?: number;
  /** @default 'evaluate' */
  onChange?: 'evaluate' | 'retrain';
  /** Ticks per run before continuing as new, to keep history short. @default 500 */
  ticksPerRun?: number;
  /** Carried across continue-as-new. */
  state?: { baseline: Fingerprint; ticks: number; triggered: WatcherStatus['triggered'] };
}

/**
 * One per pipeline (its workflow ID comes from the pipeline name): ticks on durable timers, fingerprints the
 * dataset, and on a change that stays quiet through the debounce window starts exactly one evaluation of the
 * `prod` model on the new data (or one retrain), named by the new hash so repeating the trigger is a no-op.
 */
export async function datasetWatcherWorkflow(input: DatasetWatcherInput): Promise<WatcherStatus> {
  const { spec } = input;
  const ops = opsFor(spec);
  const debounceMs = input.debounceMs ?? 0;
  const ticksPerRun = input.ticksPerRun ?? 500;
  let notified = false;
  let stopped = false;
  let pending: Fingerprint | null = null;
  let pendingDeadline: number | null = null;
  let baseline: Fingerprint | null = input.state?.baseline ?? null;
  let ticks = input.state?.ticks ?? 0;
  const triggered = [...(input.state?.triggered ?? [])].slice(-20);
  setHandler(datasetChangedSignal, () => void (notified = true));
  setHandler(stopWatchSignal, () => void (stopped = true));
  const status = (): WatcherStatus => ({
    pipeline: spec.name,
    ticks,
    datasetSha256: baseline?.sha256 ?? null,
    pendingSha256: pending?.sha256 ?? null,
    pendingDeadline: pending ? pendingDeadline : null,
    everyMs: input.everyMs,
    debounceMs,
    triggered,
  });
  setHandler(watcherStatusQuery, status);

  // The data as it is when watching starts is the baseline, not a change.
  let current: Fingerprint =
    input.state?.baseline ?? (await ops.fingerprintDataset({ path: spec.dataset.path, force: true }));
  baseline = current;
  let ticksThisRun = 0;

  while (!stopped) {
    // A durable timer that a signal cuts short.
    await condition(() => notified || stopped, input.everyMs);
    if (stopped) break;
    const forced = notified;
    notified = false;
    ticks++;
    ticksThisRun++;
    const seen: Fingerprint = await ops.fingerprintDataset({
      path: spec.dataset.path,
      previous: current,
      force: forced,
    });
    if (seen.sha256 !== current.sha256) {
      // Wait out the debounce: every further change (seen when the window ends, or signalled) restarts it.
      let latest: Fingerprint = seen;
      pending = latest;
      // `condition` with a zero timeout would wait without one, so no debounce means no window at all.
      while (debounceMs > 0) {
        // Workflow time is deterministic: reading it adds no command, so histories replay unchanged.
        pendingDeadline = Date.now() + debounceMs;
        notified = false;
        await condition(() => notified || stopped, debounceMs);
        if (stopped) break;
        const again: Fingerprint = await ops.fingerprintDataset({
          path: spec.dataset.path,
          previous: latest,
          force: notified,
        });
        if (again.sha256 === latest.sha256 && again.size === latest.size && again.mtimeMs === latest.mtimeMs) break;
        latest = again;
        pending = latest;
      }
      pending = null;
      if (stopped) break;
      if (latest.sha256 !== current.sha256) triggered.push(await trigger(input, latest.sha256));
      current = latest;
    } else {
      current = seen;
    }
    baseline = current;
    if (ticksThisRun >= ticksPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof datasetWatcherWorkflow>({
        ...input,
        state: { baseline: current, ticks, triggered: triggered.slice(-20) },
      });
    }
  }
  return status();
}

/** Starts the follow-up for one new dataset hash; a workflow that already holds that ID means it was done before. */
async function trigger(input: DatasetWatcherInput, datasetSha256: string): Promise<WatcherStatus['triggered'][number]> {
  const { spec } = input;
  const searchAttributes = [
    { key: TailorPipeline, value: spec.name },
    { key: TailorDatasetSha, value: datasetSha256 },
  ];
  const indexed = workflowInfo().typedSearchAttributes.get(TailorPipeline) !== undefined;
  const common = {
    // The follow-up outlives this watcher's run (continue-as-new, --stop): it is not a part of the watcher.
    parentClosePolicy: ParentClosePolicy.ABANDON,
    workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
    typedSearchAttributes: indexed ? searchAttributes : undefined,
  };
  if (input.onChange === 'retrain') {
    const workflowId = pipelineRunId(spec.name, datasetSha256, input.specSha256);
    try {
      await startChild(customizationPipeline, {
        ...common,
        workflowId,
        args: [
          {
            spec,
            specSha256: input.specSha256,
            datasetSha256,
            ...(input.prompts ? { prompts: input.prompts } : {}),
            ...(input.indexRoot ? { indexRoot: input.indexRoot } : {}),
          },
        ],
      });
      return { datasetSha256, workflowId, started: true };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { datasetSha256, workflowId, started: false };
      throw err;
    }
  }
  const workflowId = changeEvaluationIdFor(spec.name, datasetSha256);
  const { dataActivities } = activityProxies(spec.timeouts);
  const prod = await dataActivities.resolveAlias({ pipeline: spec.name, alias: spec.deploy.alias });
  if (!prod)
    return {
      datasetSha256,
      workflowId,
      started: false,
      reason: `no model behind ${spec.name}@${spec.deploy.alias} yet`,
    };
  const prepared = await dataActivities.prepareDataset({ dataset: spec.dataset, model: spec.baseModel });
  try {
    await startChild(evaluateWorkflow, {
      ...common,
      workflowId,
      args: [
        {
          variants: [{ id: 'prod', label: `${spec.deploy.alias} (${prod})`, model: prod, mode: { type: 'zero-shot' } }],
          test: prepared.test,
          metric: spec.evaluation.metric,
          concurrency: spec.evaluation.concurrency,
          maxExamples: spec.evaluation.maxExamples,
          provider: spec.provider,
          timeouts: spec.timeouts,
        },
      ],
    });
    return { datasetSha256, workflowId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { datasetSha256, workflowId, started: false };
    throw err;
  }
}
