import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createTailorWorker } from '../../workers/createWorker';
import { startDevServer, type RunningDevServer } from '../../workers/devServer';
import { freePort } from '../../workers/freePort';
import { jobsTagged, setFaults } from '../support/backendAdmin';
import { eventually, sharedBundle } from '../support/temporal';
import {
  expectRecovered,
  observeRun,
  recordRun,
  startRig,
  startRigPipeline,
  type FaultRig,
  type RunObservation,
} from './faultRig';

/** The Temporal dev server stops mid-run and starts again on the same SQLite file: the run completes. */
describe('dev server restarted mid-run', () => {
  let rig: FaultRig;
  let server: RunningDevServer | undefined;
  beforeAll(async () => {
    rig = await startRig('server-restart', { faults: 'train.slow=100' });
    process.env.TAILOR_HOME = rig.home; // the worker below runs in this process
  });
  afterAll(async () => {
    await server?.close();
    await rig?.close();
  });

  it('completes once the server is back', async () => {
    const port = await freePort();
    const dbFile = path.join(rig.home, 'temporal.db');
    server = await startDevServer({ port, dbFile });
    const address = server.address;
    const connection = await Connection.connect({ address });
    const client = new Client({ connection });
    const native = await NativeConnection.connect({ address });
    const worker = await createTailorWorker({
      connection: native,
      taskQueue: rig.taskQueue,
      workflowBundle: await sharedBundle(),
    });
    const running = worker.run();
    let restarts = 0;
    let seen: RunObservation | undefined;
    try {
      const { runId } = await startRigPipeline(client, rig);
      await eventually(
        'the remote job to be training',
        async () => {
          const [job] = await jobsTagged(rig.api, `${runId}/fine-tune`);
          return job?.status === 'running' ? job : undefined;
        },
        90_000,
      );

      await server.close();
      server = await startDevServer({ port, dbFile });
      restarts++;
      await setFaults(rig.backend.baseURL, '');

      // The run's state came back from SQLite; until the server answers, asking for the result fails.
      await eventually(
        'the server to answer again',
        async () => {
          try {
            return await client.workflow.getHandle(runId).describe();
          } catch {
            return undefined;
          }
        },
        60_000,
      );
      seen = await observeRun(client, rig, runId);
      expectRecovered(seen);
    } finally {
      recordRun('serverRestarted', 'Temporal dev server stopped and restarted mid-training', restarts, seen);
      worker.shutdown();
      await running;
      await native.close();
      await connection.close();
    }
  });
});
