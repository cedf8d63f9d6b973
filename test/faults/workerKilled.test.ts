import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import { startPipeline } from '../../cli/stack/startPipeline';
import { loadSpec } from '../../config/loadSpec';
import { startLocalOpenAI, type LocalOpenAIServer } from '../../providers/local/server';
import { jobsTagged, sdk, setFaults } from '../support/backendAdmin';
import { exampleSpecWith } from '../support/specFiles';
import { connectTestClient, eventually, testTemporalAddress, uniqueTaskQueue } from '../support/temporal';
import { killHard, startWorkerProcess } from '../support/workerProcess';

/** The worker is lost (SIGKILL) while the job trains; a new worker finishes the run with one job and one upload. */
describe('worker killed mid-training', () => {
  let home: string;
  let backend: LocalOpenAIServer;
  let client: Client;
  let connection: Connection;
  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-kill-'));
    backend = await startLocalOpenAI({ port: 0, dataDir: path.join(home, 'local-openai') });
    ({ client, connection } = await connectTestClient());
  });
  afterAll(async () => {
    await connection?.close();
    await backend?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('completes after a restart, with exactly one job and one upload', async () => {
    await setFaults(backend.baseURL, 'train.slow=120');
    const taskQueue = uniqueTaskQueue('kill');
    const env = { TEMPORAL_ADDRESS: testTemporalAddress(), OPENAI_BASE_URL: backend.baseURL, OPENAI_API_KEY: 'test', TAILOR_HOME: home };
    const first = await startWorkerProcess(env, taskQueue);
    const loaded = loadSpec(exampleSpecWith({ name: 'worker-killed' }));
    const { handle, runId } = await startPipeline(client, loaded, { taskQueue, rerun: true });
    const api = sdk(backend.baseURL);
    await eventually('the remote job to be training', async () => {
      const [job] = await jobsTagged(api, `${runId}/fine-tune`);
      return job?.status === 'running' ? job : undefined;
    }, 90_000);
    await killHard(first.child);

    const second = await startWorkerProcess(env, taskQueue);
    try {
      await setFaults(backend.baseURL, ''); // let training finish at full speed now
      const result = await handle.result();
      expect(result.deploy.outcome).toBe('promoted');
      expect(await jobsTagged(api, `${runId}/fine-tune`)).toHaveLength(1);
      let uploads = 0;
      for await (const f of api.files.list({ purpose: 'fine-tune' })) if (f.filename === `tailor-${result.prepared.train.sha256}.jsonl`) uploads++;
      expect(uploads).toBe(1);
    } finally {
      await killHard(second.child);
    }
  });
});
