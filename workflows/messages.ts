/**
 * Every workflow's signals, queries and updates, by name. Each workflow's are defined in one file beside it
 * (`<workflow>Messages.ts`); this file gathers them so a client imports what it sends or asks from one place.
 */
export {
  datasetChangedSignal,
  stopWatchSignal,
  watcherStatusQuery,
  type WatcherStatus,
} from './datasetWatcherMessages';
export { approveUpdate, pendingApprovalQuery, rejectUpdate } from './deployMessages';
export { evalProgressQuery } from './evalSuiteMessages';
export {
  fineTuneProgressQuery,
  pauseFineTuneSignal,
  resumeFineTuneSignal,
  trainerProgressSignal,
} from './fineTuneMessages';
export { progressQuery } from './pipelineMessages';
export { promptSearchProgressQuery } from './promptSearchMessages';
