import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities';

/** Local work on files: quick, retried a few times (a bad file fails non-retryably inside the activity). */
export const dataActivities = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5 },
});

/**
 * Provider calls: short attempts, retried until they succeed or fail permanently (non-retryable failures). The
 * attempt timeout is short so a worker lost mid-call is noticed in seconds, not minutes.
 */
export const providerActivities = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 50 },
});

/** Uploads can take long for big files, so they heartbeat while the request runs and are judged by that. */
export const uploadActivities = proxyActivities<typeof activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 50 },
});

/** Evaluation: many provider calls in one activity, so it heartbeats its progress. */
export const evalActivities = proxyActivities<typeof activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 },
});

/** Webhooks: a receiver may be down for a while; keep trying for a day, spaced out. */
export const notifyActivities = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
