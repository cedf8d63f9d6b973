import type { WorkflowTypeName } from '../runKind';
import { evalSuiteStatus, evaluationStatus, indexBuildStatus, promptSearchStatus } from './evaluationStatus';
import { rollbackStatus, scheduledStatus, sunsetStatus, watcherStatus } from './operationStatus';
import { deployStatus, fineTuneStatus, pipelineStatus } from './pipelineStatus';
import { view, type KindStatus } from './statusView';
import { onlineEvalStatus } from '../../commands/onlineEvalStatus';

/** Every workflow type Tailor starts, with how `tailor status` shows it. */
export const KIND_STATUS: Record<WorkflowTypeName, KindStatus> = {
  customizationPipeline: pipelineStatus,
  scheduledPipelineWorkflow: scheduledStatus,
  datasetWatcherWorkflow: watcherStatus,
  evaluateWorkflow: evaluationStatus,
  evalSuiteWorkflow: evalSuiteStatus,
  promptSearchWorkflow: promptSearchStatus,
  rollbackWorkflow: rollbackStatus,
  deployWorkflow: deployStatus,
  buildIndexWorkflow: indexBuildStatus,
  sunsetWatchWorkflow: sunsetStatus,
  fineTuneWorkflow: fineTuneStatus,
  onlineEvalWorkflow: onlineEvalStatus,
  selfHostedFineTune: {
    running: async () => view(' (training)', [], {}),
    completed: async (_ctx, result) => view('', [], { result }),
  },
};

/** A workflow Tailor did not start (another application's, on a shared namespace): its state and raw result only. */
export const OTHER_STATUS: KindStatus = {
  running: async ({ desc }) => view(` (workflow type ${desc.type}, not a Tailor run)`, [], {}),
  completed: async ({ desc }, result) =>
    view(` (workflow type ${desc.type}, not a Tailor run)`, [JSON.stringify(result) ?? ''], { result }),
};
