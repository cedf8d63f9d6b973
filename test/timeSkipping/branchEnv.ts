import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { tailorDataConverter } from '../../workers/dataConverter';
import { sharedBundle, testTemporalAddress, uniqueTaskQueue } from '../support/temporal';
import { recordActivities, type ActivityMocks, type RecordedActivities } from './mockActivities';

export interface BranchHarness {
  env: TestWorkflowEnvironment;
  /** The task queue of the file's worker: start the workflow under test here. */
  taskQueue: string;
  /** Runs `body` (which starts a workflow and awaits it) with `mocks` as the activities, recording every call. */
  withMocks<T>(mocks: ActivityMocks, body: () => Promise<T>): Promise<{ result: T; recorded: RecordedActivities }>;
  close(): Promise<void>;
}

/**
 * The real workflow bundle on one worker for the test file, whose only activity is the SDK's `default`: each call
 * goes to the mocks of the test running now (tests in a file run one at a time), so the bundle is loaded once.
 *
 * The SDK's time-skipping server (`TestWorkflowEnvironment.createTimeSkipping()`) is a separate binary that
 * @temporalio/testing downloads on first use; no package registry ships it, so it is not available offline. These
 * tests therefore run on the dev server jest's global setup started (`createFromExistingServer`), and the branches
 * that wait (an approval timeout) are given short timers instead of skipped ones: no activity does real work, so a
 * test takes about a second once the bundle is made.
 */
export async function startBranchHarness(name: string): Promise<BranchHarness> {
  const dataConverter = tailorDataConverter();
  const env = await TestWorkflowEnvironment.createFromExistingServer({
    address: testTemporalAddress(),
    ...(dataConverter ? { client: { dataConverter } } : {}),
  });
  let current: RecordedActivities | undefined;
  const taskQueue = uniqueTaskQueue(name);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await sharedBundle(),
    activities: {
      default: async (...args: unknown[]) => {
        const type = Context.current().info.activityType;
        if (!current) throw ApplicationFailure.nonRetryable(`${type} ran outside a test`, 'UnexpectedActivity');
        return current.dispatch(type, args);
      },
    },
    dataConverter,
  });
  const running = worker.run();
  const stopped = running.then(() => Promise.reject(new Error('the branch worker stopped during a test')));
  stopped.catch(() => undefined);
  return {
    env,
    taskQueue,
    async withMocks(mocks, body) {
      const recorded = recordActivities(mocks);
      current = recorded;
      try {
        return { result: await Promise.race([body(), stopped]), recorded };
      } finally {
        current = undefined;
      }
    },
    async close() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}
