import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities';

/** Local work on files: quick, retried a few times (a bad file fails non-retryably inside the activity). */
export const dataActivities = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5 },
});

/** Provider calls: short attempts, retried until they succeed or fail permanently (non-retryable failures). */
export const providerActivities = proxyActivities<typeof activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 50 },
});

/** Evaluation: many provider calls in one activity, so it heartbeats its progress. */
export const evalActivities = proxyActivities<typeof activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 },
});
