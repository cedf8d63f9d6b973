import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from './temporalBinary';

/** The Python trainer package (workers/trainer) and the venv `npm run setup:trainer` creates for it. */
export const TRAINER_DIR = path.join(PROJECT_ROOT, 'workers', 'trainer');
export const TRAINER_PYTHON = path.join(PROJECT_ROOT, '.tools', 'trainer-venv', 'bin', 'python');

/**
 * The trainer package on the path, and one torch thread per process unless `threads` (or OMP_NUM_THREADS) says
 * otherwise: the trainer, the chat server and Tailor's workers share a small machine's cores.
 */
export function trainerEnv(threads?: number): NodeJS.ProcessEnv {
  const omp = threads !== undefined ? String(threads) : (process.env.OMP_NUM_THREADS ?? '1');
  return { ...process.env, PYTHONPATH: TRAINER_DIR, OMP_NUM_THREADS: omp };
}

export interface PythonModuleProcess {
  child: ChildProcess;
  /** What it printed (stdout and stderr together; the newest megabyte). */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within 20 s. */
  stop(): Promise<void>;
}

const KEEP_CHARS = 1 << 20;

/**
 * Starts `python -m module args` from the trainer's venv and resolves once its output matches `ready` (the line
 * naming its address, say); fails with what it printed when it exits first or is not ready in time.
 */
export async function startPythonModule(
  module: string,
  args: string[],
  ready: RegExp,
  opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; python?: string } = {},
): Promise<PythonModuleProcess> {
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const child = spawn(opts.python ?? TRAINER_PYTHON, ['-m', module, ...args], {
    cwd: TRAINER_DIR,
    env: opts.env ?? trainerEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 2 * KEEP_CHARS) out = out.slice(-KEEP_CHARS);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`${module} did not start within ${timeoutMs / 1000} s:\n${out}`)),
        timeoutMs,
      );
      const poll = setInterval(() => ready.test(out) && finish(), 50);
      const onExit = (code: number | null) =>
        finish(new Error(`${module} exited ${code} before it was ready:\n${out}`));
      function finish(err?: Error) {
        clearTimeout(timer);
        clearInterval(poll);
        child.off('exit', onExit);
        if (err) reject(err);
        else resolve();
      }
      child.once('exit', onExit);
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { child, output: () => out, stop };
}
