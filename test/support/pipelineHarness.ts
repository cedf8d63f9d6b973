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
export async function startHarness(
  name: string,
  backendOptions: Parameters<typeof startLocalOpenAI>[0] = {},
): Promise<Harness> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `tailor-${name}-`));
  process.env.TAILOR_HOME = home;
  const backend = await startLocalOpenAI({ port: 0, dataDir: path.join(home, 'local-openai'), ...backendOptions });
  process.env.OPENAI_BASE_URL = backend.baseURL;
  process.env.OPENAI_API_KEY = 'test-key-not-secret';
  const { client, connection }: { client: Client; connection: Connection } = await connectTestClient();
  const nativeConnection: NativeConnection = await connectTestWorker();
  const taskQueue = uniqueTaskQueue(name);
  const worker = await createTailorWorker({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: await sharedBundle(),
  });
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

export interface UseHarnessOptions {
  /** The local backend's options, e.g. a token it requires. */
  backend?: Parameters<typeof startLocalOpenAI>[0];
  /** Runs just before the harness closes: undo what the file built on it (schedules, open registries, held work). */
  beforeClose?: () => unknown;
  /** The start hook's timeout in milliseconds. @default jest's testTimeout */
  timeoutMs?: number;
}

/**
 * One harness for the test file or describe block it is called in: started in `beforeAll`, closed in `afterAll`.
 * The object it returns reads the started harness on each access, so tests and later hooks use it like the harness
 * itself (`h.client`, `h.home`); reading it before the start hook ran is an error that says so.
 */
export function useHarness(name: string, options: UseHarnessOptions = {}): Harness {
  let started: Harness | undefined;
  beforeAll(async () => {
    started = await startHarness(name, options.backend);
  }, options.timeoutMs);
  afterAll(async () => {
    if (!started) return;
    try {
      await options.beforeClose?.();
    } finally {
      await started.close();
    }
  });
  const get = (): Harness => {
    if (!started) throw new Error(`the ${name} harness is used before its beforeAll ran: read it in a test or a hook`);
    return started;
  };
  return {
    get client() {
      return get().client;
    },
    get taskQueue() {
      return get().taskQueue;
    },
    get home() {
      return get().home;
    },
    get backend() {
      return get().backend;
    },
    get worker() {
      return get().worker;
    },
    close: () => get().close(),
  };
}
