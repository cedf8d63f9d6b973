import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  bundleWorkflowCode,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import * as activities from '../activities';
import { tailorDataConverter } from './dataConverter';
import { TASK_QUEUE } from './taskQueue';

export interface TailorWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  /** A bundle made once (tests, benchmarks); otherwise the workflows are bundled now (2–4 s). */
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** Activities run at once by this worker. @default 20 */
  maxConcurrentActivityTaskExecutions?: number;
  /** One server-side limit for the whole task queue (every worker), e.g. a provider's rate limit. @default none */
  maxTaskQueueActivitiesPerSecond?: number;
}

export function workflowsPath(): string {
  return require.resolve('../workflows');
}

/**
 * Bundles the workflow code once; pass the result to several workers. Workflow failures are converted inside the
 * bundle, so it takes the failure converter of the data converter its workers use (with encryption on, one that
 * encodes messages and stack traces). @default the data converter of this process's environment
 */
export function bundleWorkflows(
  dataConverter: { failureConverterPath?: string } | undefined = tailorDataConverter(),
): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: workflowsPath(),
    logger: quietBundlerLogger,
    failureConverterPath: dataConverter?.failureConverterPath,
  });
}

/** A worker for Tailor's one task queue: every workflow and every activity. */
export async function createTailorWorker(opts: TailorWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? 'default',
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    activities,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: workflowsPath() }),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 20,
    maxTaskQueueActivitiesPerSecond: opts.maxTaskQueueActivitiesPerSecond,
    // Heartbeat details (an eval shard's cases done) reach the server within seconds for the live view, not 0.8×
    // the heartbeat timeout; heartbeats add no history events.
    maxHeartbeatThrottleInterval: '2 seconds',
    // With TAILOR_ENCRYPTION_KEY(S) set, every payload this worker writes to history is AES-256-GCM encrypted.
    dataConverter: tailorDataConverter(),
  });
}

const noop = () => undefined;
/** webpack's progress lines are noise on a terminal; warnings and errors still surface. */
const quietBundlerLogger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: (msg: string, meta?: unknown) => console.warn(msg, meta ?? ''),
  error: (msg: string, meta?: unknown) => console.error(msg, meta ?? ''),
  log: noop,
};

/**
 * Keeps the SDK's INFO chatter (bundle sizes, worker state) off a user's terminal; warnings and errors still show.
 * Must run before the first connection creates the runtime; later calls are no-ops.
 */
export function installQuietRuntime(level: 'ERROR' | 'WARN' | 'INFO' = 'WARN'): void {
  try {
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // Already installed (e.g. by a test harness): keep it.
  }
}
