import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startPipeline } from '../../cli/stack/startPipeline';
import { loadSpec } from '../../config/loadSpec';
import { startLocalOpenAI, type LocalOpenAIServer } from '../../providers/local/server';
import { createTailorWorker } from '../../workers/createWorker';
import { startDevServer, type RunningDevServer } from '../../workers/devServer';
import { freePort } from '../../workers/freePort';
import { jobsTagged, sdk, setFaults } from '../support/backendAdmin';
import { exampleSpecWith } from '../support/specFiles';
import { eventually, sharedBundle, uniqueTaskQueue } from '../support/temporal';

/** The Temporal dev server stops mid-run and starts again on the same SQLite file: the run completes. */
describe('dev server restarted mid-run', () => {
  let home: string;
  let backend: LocalOpenAIServer;
  let server: RunningDevServer | undefined;
  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-restart-'));
    process.env.TAILOR_HOME = home;
    backend = await startLocalOpenAI({ port: 0, dataDir: path.join(home, 'local-openai') });
    process.env.OPENAI_BASE_URL = backend.baseURL;
  });
  afterAll(async () => {
    await server?.close();
    await backend?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('completes once the server is back', async () => {
    const port = await freePort();
    const dbFile = path.join(home, 'temporal.db');
    server = await startDevServer({ port, dbFile });
    const address = server.address;
    const connection = await Connection.connect({ address });
    const client = new Client({ connection });
    const native = await NativeConnection.connect({ address });
    const taskQueue = uniqueTaskQueue('restart');
    const worker = await createTailorWorker({ connection: native, taskQueue, workflowBundle: await sharedBundle() });
    const running = worker.run();
    try {
      await setFaults(backend.baseURL, 'train.slow=100');
      const loaded = loadSpec(exampleSpecWith({ name: 'server-restart' }));
      const { runId } = await startPipeline(client, loaded, { taskQueue, rerun: true });
      const api = sdk(backend.baseURL);
      await eventually('the remote job to be training', async () => {
        const [job] = await jobsTagged(api, `${runId}/fine-tune`);
        return job?.status === 'running' ? job : undefined;
      }, 90_000);

      await server.close();
      server = await startDevServer({ port, dbFile });
      await setFaults(backend.baseURL, '');

      // A fresh handle after the restart: the run's state came back from SQLite.
      const result = await eventually(
        'the run to complete after the restart',
        async () => {
          try {
            return await client.workflow.getHandle(runId).result();
          } catch (err) {
            if (/UNAVAILABLE|connect|ECONNREFUSED/i.test((err as Error).message)) return undefined;
            throw err;
          }
        },
        120_000,
      );
      expect(result.deploy.outcome).toBe('promoted');
      expect(await jobsTagged(api, `${runId}/fine-tune`)).toHaveLength(1);
    } finally {
      worker.shutdown();
      await running;
      await native.close();
      await connection.close();
    }
  });
});
