import type { ActivityOptions, Duration, RetryPolicy } from '@temporalio/common';
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities';
import {
  activityTimeouts,
  retryPolicy,
  type ActivityKind,
  type ActivityTimeoutOverrides,
} from '../core/activityOptions/activityTimeouts';

/** A caller's own settings for one proxy: the suite's heartbeat, fields of the retry policy to change. */
export interface ProxyOptions {
  heartbeat?: string;
  retry?: Partial<RetryPolicy>;
}

/**
 * Activity options for one kind of work: its timeouts and its retry policy from the table
 * (core/activityOptions/activityTimeouts.ts), with the spec's timeout overrides. Timeouts and retry policies are not
 * part of a workflow's command order, so changing them never breaks a replay.
 */
export function activityOptions(
  kind: ActivityKind,
  overrides?: ActivityTimeoutOverrides,
  options: ProxyOptions = {},
): ActivityOptions {
  const t = activityTimeouts(kind, overrides);
  // A heartbeat the spec sets wins; then the caller's (an eval suite's own setting); then the table's.
  const own = overrides?.[kind];
  const beat = (typeof own === 'object' ? own.heartbeat : undefined) ?? options.heartbeat ?? t.heartbeat;
  return {
    startToCloseTimeout: t.startToClose as Duration,
    ...(beat !== undefined ? { heartbeatTimeout: beat as Duration } : {}),
    ...(t.scheduleToClose !== undefined ? { scheduleToCloseTimeout: t.scheduleToClose as Duration } : {}),
    retry: retryPolicy(kind, options.retry),
  };
}

/** A typed proxy for one kind of work (the per-workflow proxies use this too). */
export function proxyFor(kind: ActivityKind, overrides?: ActivityTimeoutOverrides, options?: ProxyOptions) {
  return proxyActivities<typeof activities>(activityOptions(kind, overrides, options));
}

/** The pipeline's proxies with a spec's `timeouts:` laid over the defaults. */
export function activityProxies(overrides?: ActivityTimeoutOverrides) {
  return {
    /** Local work on files: quick, retried a few times (a bad file fails non-retryably inside the activity). */
    dataActivities: proxyFor('data', overrides),
    /** Provider calls: retried until they succeed or fail permanently (non-retryable failures). */
    providerActivities: proxyFor('providerCall', overrides),
    /** Uploads heartbeat while the request runs and are judged by that. */
    uploadActivities: proxyFor('upload', overrides),
    /** Evaluation: many provider calls in one activity, so it heartbeats its progress. */
    evalActivities: proxyFor('evaluation', overrides),
    /** Webhooks: a receiver may be down for a while; keep trying for a day, spaced out. */
    notifyActivities: proxyFor('notify', overrides),
  };
}

/** The data proxy with the table's defaults, for workflows whose input carries no spec (rollback). */
export const { dataActivities } = activityProxies();
