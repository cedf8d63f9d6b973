import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TAILOR_BIN } from './runCli';
import { sharedBundle } from './temporal';

type WorkerProcess = { child: ChildProcess; output: () => string };

/**
 * A real `tailor worker` in its own process, so a test can SIGKILL it like a lost machine. Resolves once the worker
 * says it is polling.
 */
export async function startWorkerProcess(env: NodeJS.ProcessEnv, taskQueue: string): Promise<WorkerProcess> {
  return spawnUntilPolling([TAILOR_BIN, 'worker', '--task-queue', taskQueue], env);
}

let bundleDir: Promise<string> | undefined;

/**
 * The same worker (createTailorWorker: every workflow, every activity) in its own process, but with the workflow
 * bundle this test file built once (test/support/workerMain.ts): a test that kills and restarts workers many times
 * pays for bundling once, not at every start.
 */
export async function startBundledWorkerProcess(env: NodeJS.ProcessEnv, taskQueue: string): Promise<WorkerProcess> {
  bundleDir ??= sharedBundle().then((b) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-bundle-'));
    fs.writeFileSync(path.join(dir, 'workflows.js'), b.code);
    fs.writeFileSync(path.join(dir, 'workflows.js.map'), b.sourceMap);
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
  });
  const main = path.join(__dirname, 'workerMain.ts');
  return spawnUntilPolling([path.join(__dirname, '..', '..', 'bin', 'run-ts.js'), main, taskQueue], {
    ...env,
    TAILOR_TEST_BUNDLE_DIR: await bundleDir,
  });
}

async function spawnUntilPolling(args: string[], env: NodeJS.ProcessEnv): Promise<WorkerProcess> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (err?: Error) => {
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(() => settle(new Error(`worker did not start:\n${out}`)), 60_000);
      const check = () => {
        if (settled) return;
        if (/worker on .* task queue/.test(out)) settle();
        else setTimeout(check, 50);
      };
      child.once('exit', (code) => settle(new Error(`worker exited ${code}:\n${out}`)));
      check();
    });
  } catch (err) {
    await killHard(child); // a worker that never said it polls must not outlive the test
    throw err;
  }
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
