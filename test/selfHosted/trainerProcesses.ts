import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import {
  startPythonModule,
  TRAINER_DIR,
  TRAINER_PYTHON,
  trainerEnv,
  type PythonModuleProcess,
} from '../../workers/pythonModule';

export { TRAINER_DIR, TRAINER_PYTHON };
/** The trainer's Python environment (`npm run setup:trainer`). */
export const hasTrainerEnv = fs.existsSync(TRAINER_PYTHON);

// One thread per process: torch's pool is much slower on this tiny model on a shared 2-core machine.
const env = () => trainerEnv(1);

export type PythonProcess = PythonModuleProcess;

/** Runs `python -m <module> args` to completion; fails with its output. */
export function runModule(module: string, args: string[]): string {
  const r = spawnSync(TRAINER_PYTHON, ['-m', module, ...args], { cwd: TRAINER_DIR, env: env(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${module} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * Starts `python -m <module> args`; resolves once its output matches `ready` (its first line naming an address, say).
 */
export function startModule(module: string, args: string[], ready: RegExp, timeoutMs = 90_000): Promise<PythonProcess> {
  return startPythonModule(module, args, ready, { timeoutMs, env: env() });
}
