/** Every kind of run Tailor starts, by the workflow type Temporal records for it. */
export const RUN_KINDS = {
  customizationPipeline: 'pipeline',
  scheduledPipelineWorkflow: 'scheduled run',
  datasetWatcherWorkflow: 'watcher',
  evaluateWorkflow: 'evaluation',
  evalSuiteWorkflow: 'eval suite',
  promptSearchWorkflow: 'prompt search',
  rollbackWorkflow: 'rollback',
  deployWorkflow: 'deploy',
  buildIndexWorkflow: 'index build',
  sunsetWatchWorkflow: 'sunset check',
  fineTuneWorkflow: 'fine-tune',
  selfHostedFineTune: 'self-hosted fine-tune',
  onlineEvalWorkflow: 'online eval',
} as const;

export type WorkflowTypeName = keyof typeof RUN_KINDS;
export type RunKind = (typeof RUN_KINDS)[WorkflowTypeName] | 'other';

export function runKindOf(workflowType: string): RunKind {
  return Object.hasOwn(RUN_KINDS, workflowType) ? RUN_KINDS[workflowType as WorkflowTypeName] : 'other';
}
