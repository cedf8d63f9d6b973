import fs from 'node:fs';
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { createTailorWorker, installQuietRuntime } from '../../workers/createWorker';

/**
 * Entry of a worker process started by `startBundledWorkerProcess`: Tailor's real worker (all workflows, all
 * activities) with the workflow bundle the test built once, read from TAILOR_TEST_BUNDLE_DIR, so a restarted worker
 * is polling in a second or two instead of re-bundling. Usage: node bin/run-ts.js test/support/workerMain.ts QUEUE
 */
async function main(): Promise<void> {
  installQuietRuntime('ERROR');
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const taskQueue = process.argv[2];
  const dir = process.env.TAILOR_TEST_BUNDLE_DIR;
  if (!taskQueue || !dir) throw new Error('usage: TAILOR_TEST_BUNDLE_DIR=DIR workerMain.ts TASK_QUEUE');
  const workflowBundle = {
    code: fs.readFileSync(path.join(dir, 'workflows.js'), 'utf8'),
    sourceMap: fs.readFileSync(path.join(dir, 'workflows.js.map'), 'utf8'),
  };
  const connection = await NativeConnection.connect({ address });
  const worker = await createTailorWorker({ connection, taskQueue, workflowBundle });
  console.log(`worker on ${address} task queue ${taskQueue}`);
  await worker.run();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
