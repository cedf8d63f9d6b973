import fs from 'node:fs';
import type { RunningDevServer } from '../../workers/devServer';

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as { __tailorDevServer?: RunningDevServer };
  if (g.__tailorDevServer) {
    await g.__tailorDevServer.close();
    g.__tailorDevServer = undefined;
    if (process.env.TAILOR_TEST_DIR) fs.rmSync(process.env.TAILOR_TEST_DIR, { recursive: true, force: true });
  }
}
