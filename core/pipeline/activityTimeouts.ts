/**
 * The timeouts of every activity call Tailor's workflows make, by kind of work, in one table. A pipeline spec can
 * override any entry (`timeouts:` in pipeline.yaml, config/timeoutsSpec.ts); the workflows that receive the spec
 * pass it down to their children, so one spec sets them for the whole run. Durations are Temporal duration strings.
 * Imported by workflow code: keep it free of I/O and of anything non-deterministic.
 */
export interface ActivityTimeouts {
  /** One attempt's limit: a worker lost mid-attempt is noticed after this (or after `heartbeat`, when set). */
  startToClose: string;
  /** Longest silence between heartbeats of a long activity before its attempt counts as lost. @default none */
  heartbeat?: string;
  /** Limit on all attempts together, retries included. @default none (retries stop by their maximum attempts) */
  scheduleToClose?: string;
}

export const DEFAULT_ACTIVITY_TIMEOUTS = {
  /** Files and the registry: prepareDataset, validateDataset, storeJson, resolveAlias, moveAlias, writeRunReport … */
  data: { startToClose: '30 minutes', heartbeat: '2 minutes' },
  /** One provider request: getFileStatus, findOrCreateJob, getJobStatus, cancelJob, pauseOrResumeJob. Short, so a lost worker is noticed in seconds. */
  providerCall: { startToClose: '30 seconds' },
  /** uploadTrainingFile: long for big files, judged by its heartbeats. */
  upload: { startToClose: '2 hours', heartbeat: '30 seconds' },
  /** evaluateVariant and smokeCheckAlias: many provider calls in one activity, heartbeating progress. */
  evaluation: { startToClose: '2 hours', heartbeat: '30 seconds' },
  /** notifyWebhook: short attempts, retried for a day while a receiver is down. */
  notify: { startToClose: '30 seconds', scheduleToClose: '1 day' },
  /** The eval suite's local steps: prepareEvalCases, summariseEvalRun, its reports. */
  evalCases: { startToClose: '15 minutes', heartbeat: '2 minutes' },
  /** The eval suite's provider steps (prepareEvalVariant, evaluateShard); the heartbeat is the suite's `execution.heartbeatTimeout`. */
  evalShard: { startToClose: '2 hours' },
  /** The dataset watcher's fingerprint (a stat and sometimes a hash). */
  watch: { startToClose: '5 minutes' },
  /** A scheduled run's fingerprint and last-success lookup. */
  schedule: { startToClose: '5 minutes' },
  /** The sunset check: one registry read and one `/v1/models` call. */
  sunset: { startToClose: '2 minutes' },
} as const satisfies Record<string, ActivityTimeouts>;

export type ActivityKind = keyof typeof DEFAULT_ACTIVITY_TIMEOUTS;
export const ACTIVITY_KINDS = Object.keys(DEFAULT_ACTIVITY_TIMEOUTS) as ActivityKind[];

/** A spec's override: a duration string sets `startToClose`; an object sets any of the three. */
export type ActivityTimeoutOverride = string | Partial<ActivityTimeouts>;
export type ActivityTimeoutOverrides = Partial<Record<ActivityKind, ActivityTimeoutOverride>>;

/** The table's entry for one kind with the spec's override laid over it. */
export function activityTimeouts(kind: ActivityKind, overrides?: ActivityTimeoutOverrides): ActivityTimeouts {
  const base: ActivityTimeouts = DEFAULT_ACTIVITY_TIMEOUTS[kind];
  const o = overrides?.[kind];
  if (o === undefined) return base;
  // Keys absent from the override keep the table's value (specs arrive through JSON, which drops undefined).
  return typeof o === 'string' ? { ...base, startToClose: o } : { ...base, ...o };
}
