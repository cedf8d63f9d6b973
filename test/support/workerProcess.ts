import { spawn, type ChildProcess } from 'node:child_process';
import { TAILOR_BIN } from './runCli';

/**
 * A real `tailor worker` in its own process, so a test can SIGKILL it like a lost machine. Resolves once the worker
 * says it is polling.
 */
export async function startWorkerProcess(env: NodeJS.ProcessEnv, taskQueue: string): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [TAILOR_BIN, 'worker', '--task-queue', taskQueue], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${out}`)), 60_000);
    const check = () => (/worker on .* task queue/.test(out) ? (clearTimeout(timer), resolve()) : setTimeout(check, 50));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited ${code}:\n${out}`));
    });
    check();
  });
  child.removeAllListeners('exit');
  return { child, output: () => out };
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
