import path from 'node:path';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';
import { tailorHome } from '../../config/paths';
import { startLocalOpenAI } from '../../providers/local/server';
import { createTailorWorker, installQuietRuntime } from '../../workers/createWorker';
import { TASK_QUEUE } from '../../workers/taskQueue';
import { intOption, parseCommandArgs } from '../args';
import type { CliCommand } from '../command';
import { closeProcessStores } from '../../stores/processStores';

export const command: CliCommand = {
  name: 'worker',
  summary: 'run a Tailor worker against any Temporal service',
  help: `Usage: tailor worker [--task-queue Q] [--max-activities N] [--provider-rps R]

Runs a worker for every Tailor workflow and activity. Start as many as you like, on as many machines:
they share the task queue.

Temporal connection: Temporal's standard environment configuration (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE, the TOML config file); default 127.0.0.1:7233.
Provider: OPENAI_BASE_URL and OPENAI_API_KEY from this process's environment; when neither is set, the
worker starts the local OpenAI-compatible backend (small CPU learners, not LLMs) in-process.

Options:
  --task-queue Q       task queue (default: TAILOR_TASK_QUEUE or 'tailor')
  --max-activities N   activities this worker runs at once (default 20)
  --provider-rps R     one rate limit for the whole task queue, shared by every worker (activities/second;
                       default: none)`,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      { 'task-queue': { type: 'string' }, 'max-activities': { type: 'string' }, 'provider-rps': { type: 'string' } },
      false,
    );
    installQuietRuntime('INFO');
    const cfg = loadClientConnectConfig();
    const address = cfg.connectionOptions.address ?? '127.0.0.1:7233';
    const namespace = cfg.namespace ?? 'default';
    let closeBackend: (() => Promise<void>) | undefined;
    if (!process.env.OPENAI_BASE_URL && !process.env.OPENAI_API_KEY) {
      const backend = await startLocalOpenAI({ port: 0, dataDir: path.join(tailorHome(), 'local-openai') });
      process.env.OPENAI_BASE_URL = backend.baseURL;
      closeBackend = () => backend.close();
      console.log(`provider: local OpenAI-compatible backend at ${backend.baseURL} (small CPU learners, not LLMs)`);
    } else {
      console.log(`provider: ${process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1'}`);
    }
    const connection = await NativeConnection.connect({ ...cfg.connectionOptions, address });
    const rps = values['provider-rps'] !== undefined ? Number(values['provider-rps']) : undefined;
    const worker = await createTailorWorker({
      connection,
      namespace,
      taskQueue: values['task-queue'] ?? TASK_QUEUE,
      maxConcurrentActivityTaskExecutions: intOption('max-activities', values['max-activities'], 20),
      maxTaskQueueActivitiesPerSecond: rps,
    });
    console.log(
      `worker on ${address} namespace ${namespace} task queue ${values['task-queue'] ?? TASK_QUEUE}; Ctrl-C stops it`,
    );
    // The SDK shuts the worker down gracefully on SIGINT/SIGTERM.
    await worker.run();
    await connection.close();
    await closeProcessStores(); // PostgreSQL pools, when TAILOR_REGISTRY names a database
    await closeBackend?.();
    return 0;
  },
};
