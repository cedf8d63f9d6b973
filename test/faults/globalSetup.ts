import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharedGlobalSetup from '../support/globalSetup';
import { SCOREBOARD_ENV } from './scoreboard';

/**
 * The faults project's global setup: the shared dev server, plus an empty scoreboard file that every fault test
 * appends to and the reporter reads after the run (jest's workers inherit this process's environment).
 */
export default async function faultsGlobalSetup(): Promise<void> {
  if (!process.env[SCOREBOARD_ENV]) {
    const file = path.join(os.tmpdir(), `tailor-faults-scoreboard-${process.pid}-${Date.now()}.jsonl`);
    fs.writeFileSync(file, '');
    process.env[SCOREBOARD_ENV] = file;
  }
  await sharedGlobalSetup();
}
