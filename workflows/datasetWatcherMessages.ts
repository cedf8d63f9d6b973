import { defineQuery, defineSignal } from '@temporalio/workflow';

// datasetWatcherWorkflow's messages.

/** "The data changed, look now" from an external system (`tailor notify-change`, signal-with-start). */
export const datasetChangedSignal = defineSignal('datasetChanged');
/** Ends the watcher after the current step (`tailor watch --stop`). */
export const stopWatchSignal = defineSignal('stopWatch');

export interface WatcherStatus {
  pipeline: string;
  ticks: number;
  datasetSha256: string | null;
  /** A change waiting out its debounce window, if any. */
  pendingSha256: string | null;
  /** When that change triggers if nothing else changes (ms since epoch); absent in runs from before this field. */
  pendingDeadline?: number | null;
  /** Time between looks and the quiet time a change must stay unchanged, in ms. */
  everyMs?: number;
  debounceMs?: number;
  /** Follow-ups, newest last (the last 20); `started: false` when the ID already existed or `reason` says why not. */
  triggered: { datasetSha256: string; workflowId: string; started: boolean; reason?: string }[];
}
export const watcherStatusQuery = defineQuery<WatcherStatus>('watcherStatus');
