import type { ActivityOptions, Duration, RetryPolicy } from '@temporalio/common';
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities';
import { activityTimeouts, type ActivityKind, type ActivityTimeoutOverrides } from '../core/pipeline/activityTimeouts';

/**
 * Activity options for one kind of work: its timeouts from the table (core/pipeline/activityTimeouts.ts) with the
 * spec's overrides, and its retry policy. Timeouts are not part of a workflow's command order, so changing them
 * never breaks a replay.
 */
export function activityOptions(kind: ActivityKind, retry: RetryPolicy, overrides?: ActivityTimeoutOverrides, heartbeat?: string): ActivityOptions {
  const t = activityTimeouts(kind, overrides);
  // A heartbeat the spec sets wins; then the caller's (an eval suite's own setting); then the table's.
  const own = overrides?.[kind];
  const beat = (typeof own === 'object' ? own.heartbeat : undefined) ?? heartbeat ?? t.heartbeat;
  return {
    startToCloseTimeout: t.startToClose as Duration,
    ...(beat !== undefined ? { heartbeatTimeout: beat as Duration } : {}),
    ...(t.scheduleToClose !== undefined ? { scheduleToCloseTimeout: t.scheduleToClose as Duration } : {}),
    retry,
  };
}

/** A typed proxy for one kind of work (the per-workflow proxies use this too). */
export function proxyFor(kind: ActivityKind, retry: RetryPolicy, overrides?: ActivityTimeoutOverrides, heartbeat?: string) {
  return proxyActivities<typeof activities>(activityOptions(kind, retry, overrides, heartbeat));
}

/** The pipeline's proxies with a spec's `timeouts:` laid over the defaults. */
export function activityProxies(overrides?: ActivityTimeoutOverrides) {
  return {
    /** Local work on files: quick, retried a few times (a bad file fails non-retryably inside the activity). */
    dataActivities: proxyFor('data', { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5 }, overrides),
    /** Provider calls: retried until they succeed or fail permanently (non-retryable failures). */
    providerActivities: proxyFor('providerCall', { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 50 }, overrides),
    /** Uploads heartbeat while the request runs and are judged by that. */
    uploadActivities: proxyFor('upload', { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 50 }, overrides),
    /** Evaluation: many provider calls in one activity, so it heartbeats its progress. */
    evalActivities: proxyFor('evaluation', { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 }, overrides),
    /** Webhooks: a receiver may be down for a while; keep trying for a day, spaced out. */
    notifyActivities: proxyFor('notify', { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5 minutes' }, overrides),
  };
}

/** The data proxy with the table's defaults, for workflows whose input carries no spec (rollback). */
export const { dataActivities } = activityProxies();
