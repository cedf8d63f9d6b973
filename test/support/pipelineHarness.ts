import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { startLocalOpenAI, type LocalOpenAIServer } from '../../providers/local/server';
import { createTailorWorker } from '../../workers/createWorker';
import { connectTestClient, connectTestWorker, sharedBundle, uniqueTaskQueue } from './temporal';

export interface Harness {
  client: Client;
  taskQueue: string;
  home: string;
  backend: LocalOpenAIServer;
  worker: Worker;
  close(): Promise<void>;
}

/**
 * The real parts a pipeline test needs: the shared dev server, the local backend over loopback HTTP, and a real
 * worker on a private task queue, with Tailor's state (artifacts, registry, reports) in a temporary TAILOR_HOME.
 */
export async function startHarness(name: string, backendOptions: Parameters<typeof startLocalOpenAI>[0] = {}): Promise<Harness> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `tailor-${name}-`));
  process.env.TAILOR_HOME = home;
  const backend = await startLocalOpenAI({ port: 0, dataDir: path.join(home, 'local-openai'), ...backendOptions });
  process.env.OPENAI_BASE_URL = backend.baseURL;
  process.env.OPENAI_API_KEY = 'test-key-not-secret';
  const { client, connection }: { client: Client; connection: Connection } = await connectTestClient();
  const nativeConnection: NativeConnection = await connectTestWorker();
  const taskQueue = uniqueTaskQueue(name);
  const worker = await createTailorWorker({ connection: nativeConnection, taskQueue, workflowBundle: await sharedBundle() });
  const running = worker.run();
  return {
    client,
    taskQueue,
    home,
    backend,
    worker,
    async close() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await backend.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
