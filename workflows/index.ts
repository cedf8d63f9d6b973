// Everything the worker bundles: every workflow a parent may start as a child must be exported here.
export { customizationPipeline } from './customizationPipeline';
export { fineTuneWorkflow } from './fineTuneWorkflow';
export { evaluateWorkflow } from './evaluateWorkflow';
export { deployWorkflow } from './deployWorkflow';
export { rollbackWorkflow } from './rollbackWorkflow';
export { evalSuiteWorkflow } from './evalSuiteWorkflow';
export { scheduledPipelineWorkflow } from './scheduledPipelineWorkflow';
export { datasetWatcherWorkflow } from './datasetWatcherWorkflow';
export { sunsetWatchWorkflow } from './sunsetWatchWorkflow';
export { buildIndexWorkflow } from './buildIndexWorkflow';
export { promptSearchWorkflow } from './promptSearchWorkflow';
export { onlineEvalWorkflow } from './onlineEvalWorkflow';
