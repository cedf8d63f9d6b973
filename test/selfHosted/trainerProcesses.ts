import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
export const TRAINER_DIR = path.join(ROOT, 'workers', 'trainer');
/** The trainer's Python environment (`npm run setup:trainer`). */
export const TRAINER_PYTHON = path.join(ROOT, '.tools', 'trainer-venv', 'bin', 'python');
export const hasTrainerEnv = fs.existsSync(TRAINER_PYTHON);

// One thread per process: torch's pool is much slower on this tiny model on a shared 2-core machine.
const env = () => ({ ...process.env, PYTHONPATH: TRAINER_DIR, OMP_NUM_THREADS: '1' });

export interface PythonProcess {
  child: ChildProcess;
  output: () => string;
  /** SIGTERM, then SIGKILL if it has not exited within 20 s. */
  stop(): Promise<void>;
}

/** Runs `python -m <module> args` to completion; fails with its output. */
export function runModule(module: string, args: string[]): string {
  const r = spawnSync(TRAINER_PYTHON, ['-m', module, ...args], { cwd: TRAINER_DIR, env: env(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${module} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Starts `python -m <module> args`; resolves once its output matches `ready` (its first line naming an address, say). */
export async function startModule(module: string, args: string[], ready: RegExp, timeoutMs = 90_000): Promise<PythonProcess> {
  const child = spawn(TRAINER_PYTHON, ['-m', module, ...args], { cwd: TRAINER_DIR, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`${module} did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onExit = (code: number | null) => done(new Error(`${module} exited ${code} before it was ready:\n${out}`));
    const poll = setInterval(() => ready.test(out) && done(), 50);
    function done(err?: Error) {
      clearTimeout(timer);
      clearInterval(poll);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    }
    child.once('exit', onExit);
  }).catch(async (err) => {
    await stop();
    throw err;
  });
  return { child, output: () => out, stop };
}
