import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities';
import type { SunsetReport } from '../activities/operations/findSunsets';
import type { ProviderSpec } from '../config/providerSpec';

/** One registry read and one `/v1/models` call; provider hiccups are retried for a while. */
const ops = proxyActivities<typeof activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

export interface SunsetWatchInput {
  /** How far ahead a shutdown date counts, in ms. */
  horizonMs: number;
  pipeline?: string;
  provider?: ProviderSpec;
}

/**
 * The base-model sunset check as a workflow, so a Temporal Schedule can run it (`tailor sunset --schedule 1d`) and
 * its report stays in history as the workflow's result.
 */
export async function sunsetWatchWorkflow(input: SunsetWatchInput): Promise<SunsetReport> {
  return ops.findSunsets(input);
}
