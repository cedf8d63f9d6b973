import type { Duration } from '@temporalio/common';
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities';
import type { BuildIndexInput } from '../activities/rag/buildIndex';
import type { IndexRef } from '../core/rag/indexManifest';
import { retryPolicy } from '../core/activityOptions/activityTimeouts';

export interface BuildIndexWorkflowInput extends BuildIndexInput {
  /** How long the activity may go silent before Temporal retries it elsewhere. @default '30 seconds' */
  heartbeatTimeout?: Duration;
}

/**
 * `buildIndex` as a durable step, for `tailor index` and for the pipeline's RAG variant. One long activity that
 * heartbeats; a lost worker is noticed within the heartbeat timeout and the retry embeds only what the index
 * does not hold yet. Bad documents fail at once (InvalidDocuments is non-retryable).
 */
export async function buildIndexWorkflow(input: BuildIndexWorkflowInput): Promise<IndexRef> {
  const { heartbeatTimeout, ...build } = input;
  const { buildIndex } = proxyActivities<typeof activities>({
    startToCloseTimeout: '6 hours',
    heartbeatTimeout: heartbeatTimeout ?? '30 seconds',
    retry: retryPolicy('indexBuild'),
  });
  return buildIndex(build);
}
