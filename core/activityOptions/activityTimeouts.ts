import type { Duration, RetryPolicy } from '@temporalio/common';
import { Failure } from '../failures/failureTypes';

/**
 * The timeouts of every activity call Tailor's workflows make, by kind of work, in one table. A pipeline spec can
 * override any entry (`timeouts:` in pipeline.yaml, core/pipeline/timeoutsSpec.ts); the workflows that receive the spec
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
  /**
   * One provider request: getFileStatus, findOrCreateJob, getJobStatus, cancelJob, pauseOrResumeJob. Short, so a
   * lost worker is noticed in seconds.
   */
  providerCall: { startToClose: '30 seconds' },
  /** uploadTrainingFile: long for big files, judged by its heartbeats. */
  upload: { startToClose: '2 hours', heartbeat: '30 seconds' },
  /** evaluateVariant and smokeCheckAlias: many provider calls in one activity, heartbeating progress. */
  evaluation: { startToClose: '2 hours', heartbeat: '30 seconds' },
  /** notifyWebhook: short attempts, retried for a day while a receiver is down. */
  notify: { startToClose: '30 seconds', scheduleToClose: '1 day' },
  /** The eval suite's local steps: prepareEvalCases, summariseEvalRun, its reports. */
  evalCases: { startToClose: '15 minutes', heartbeat: '2 minutes' },
  /**
   * The eval suite's provider steps (prepareEvalVariant, evaluateShard); the heartbeat is the suite's
   * `execution.heartbeatTimeout`.
   */
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

/** Kinds whose timeouts come from their own input (a build's or a trainer's heartbeat), not from the table above. */
export type OwnTimeoutKind = 'indexBuild' | 'training';
export type RetryKind = ActivityKind | OwnTimeoutKind;

/** Retried a few times, quickly: local work on files, where a bad file fails non-retryably inside the activity. */
const LOCAL: RetryPolicy = { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5 };
/** Retried with backoff up to a minute apart until the call succeeds or fails permanently (non-retryably). */
const backoff = (initialInterval: Duration, maximumAttempts: number): RetryPolicy => ({
  initialInterval,
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts,
});

/**
 * How each kind of work is retried, beside its timeouts. A failure type that is non-retryable in the table of
 * core/failures/failureTypes.ts ends the activity at once whatever the policy says; `nonRetryableErrorTypes` names
 * the types a worker in another language (the Python trainer) or an older build might raise as retryable.
 */
export const ACTIVITY_RETRY_POLICIES: Readonly<Record<RetryKind, Readonly<RetryPolicy>>> = {
  data: LOCAL,
  /** Provider requests: the same policy in every workflow, so a flaky provider is survived alike everywhere. */
  providerCall: backoff('1s', 50),
  upload: backoff('1s', 50),
  evaluation: backoff('2s', 20),
  /** Webhooks: no attempt limit; the day-long schedule-to-close timeout in the table above ends them. */
  notify: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  evalCases: LOCAL,
  /** Many shards, each a batch of provider calls: a long outage should not fail a suite that resumes shard by shard. */
  evalShard: backoff('1s', 100),
  watch: LOCAL,
  schedule: LOCAL,
  sunset: backoff('2s', 10),
  /** buildIndex: embeds what the index does not hold yet on each retry; bad documents fail at once. */
  indexBuild: { ...backoff('1s', 20), nonRetryableErrorTypes: [Failure.InvalidDocuments] },
  /** The Python trainer: a retry resumes from the last checkpoint; a malformed request fails at once. */
  training: { ...backoff('5s', 20), nonRetryableErrorTypes: [Failure.InvalidTrainingRequest] },
};

/** The table's retry policy for one kind, with a caller's fields laid over it (a fresh object each time). */
export function retryPolicy(kind: RetryKind, overrides?: Partial<RetryPolicy>): RetryPolicy {
  const base = ACTIVITY_RETRY_POLICIES[kind];
  return {
    ...base,
    ...(base.nonRetryableErrorTypes ? { nonRetryableErrorTypes: [...base.nonRetryableErrorTypes] } : {}),
    ...overrides,
  };
}

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
