import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { tailorDataConverter } from '../../workers/dataConverter';
import { sharedBundle, testTemporalAddress, uniqueTaskQueue } from '../support/temporal';
import { recordActivities, type ActivityMocks, type RecordedActivities } from './mockActivities';

/**
 * The test environment for branch tests: the real workflow bundle, mocked activities, one worker per test.
 *
 * The SDK's time-skipping server (`TestWorkflowEnvironment.createTimeSkipping()`) is a separate binary that
 * @temporalio/testing downloads on first use; no package registry ships it, so it is not available offline. These
 * tests therefore run on the dev server jest's global setup started (`createFromExistingServer`), and the branches
 * that wait (an approval timeout) are given short timers instead of skipped ones: no activity does real work, so a
 * test takes well under a second once the bundle is made.
 */
export async function branchEnvironment(): Promise<TestWorkflowEnvironment> {
  const dataConverter = tailorDataConverter();
  return TestWorkflowEnvironment.createFromExistingServer({
    address: testTemporalAddress(),
    ...(dataConverter ? { client: { dataConverter } } : {}),
  });
}

/** Runs `body` (which starts a workflow and awaits it) with a worker whose activities are `mocks`, recording calls. */
export async function withMockedWorker<T>(
  env: TestWorkflowEnvironment,
  name: string,
  mocks: ActivityMocks,
  body: (taskQueue: string) => Promise<T>,
): Promise<{ result: T; recorded: RecordedActivities }> {
  const recorded = recordActivities(mocks);
  const taskQueue = uniqueTaskQueue(name);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await sharedBundle(),
    activities: recorded.activities,
    dataConverter: tailorDataConverter(),
  });
  const result = await worker.runUntil(body(taskQueue));
  return { result, recorded };
}
