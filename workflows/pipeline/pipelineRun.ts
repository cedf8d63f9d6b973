import type { SearchAttributePair } from '@temporalio/common';
import { setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { newSpend } from '../../core/pipeline/budget';
import type {
  PipelineInput,
  PipelineProgress,
  PipelineResult,
  Spend,
  StepName,
} from '../../core/pipeline/pipelineTypes';
import { activityProxies } from '../activityProxies';
import { progressQuery } from '../pipelineMessages';
import { TailorPipeline, TailorStage } from '../../core/operations/searchAttributes';
import { StepTracker } from '../stepTracker';

type Proxies = ReturnType<typeof activityProxies>;

/** What every phase of one pipeline run shares: its input, steps, spend, activity proxies and search attributes. */
export interface PipelineRun {
  readonly input: PipelineInput;
  readonly spec: PipelineInput['spec'];
  readonly runId: string;
  readonly tracker: StepTracker;
  readonly spend: Spend;
  readonly dataActivities: Proxies['dataActivities'];
  readonly providerActivities: Proxies['providerActivities'];
  /** Sets search attributes when the server knows Tailor's (the client sets them at start). */
  mark(pairs: SearchAttributePair[]): void;
  /** Marks the stage the run is in. */
  stage(name: StepName): void;
}

/** The prepared splits and the validation summary, as every result carries them. */
export interface RunData {
  prepared: PipelineResult['prepared'];
  validation: PipelineResult['validation'];
}

/** Sets up a run: proxies with the spec's `timeouts:`, the step tracker, the budget and the progress query. */
export function startPipelineRun(input: PipelineInput): PipelineRun {
  const { spec } = input;
  // The spec's `timeouts:` over the table's defaults (activity options never change the command order).
  const { dataActivities, providerActivities } = activityProxies(spec.timeouts);
  const runId = workflowInfo().workflowId;
  const tracker = new StepTracker();
  const spend = newSpend(spec.budget?.usd);
  setHandler(progressQuery, (): PipelineProgress => ({
    runId,
    pipeline: spec.name,
    stage: tracker.current,
    steps: tracker.steps,
    spend,
  }));
  const indexed = workflowInfo().typedSearchAttributes.get(TailorPipeline) !== undefined;
  const mark = (pairs: SearchAttributePair[]) => {
    if (indexed) upsertSearchAttributes(pairs);
  };
  return {
    input,
    spec,
    runId,
    tracker,
    spend,
    dataActivities,
    providerActivities,
    mark,
    stage: (name) => mark([{ key: TailorStage, value: name }]),
  };
}
