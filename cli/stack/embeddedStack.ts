import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { tailorHome } from '../../config/paths';
import { startLocalOpenAI, type LocalOpenAIServer } from '../../providers/local/server';
import { createTailorWorker, installQuietRuntime } from '../../workers/createWorker';
import { startDevServer, type RunningDevServer } from '../../workers/devServer';
import { freePort, isListening } from '../../workers/freePort';
import { connectClient, connectWorker, targetFromEnvironment, type TemporalTarget } from '../temporalConnection';
import { findRunningDev } from './devInfo';

export interface StackOptions {
  /** Web UI port for an embedded server; `false` = headless. */
  uiPort?: number | false;
  /** gRPC port for an embedded server; default 7233 when free, else any free port. */
  temporalPort?: number;
  backendPort?: number;
  /** Attach to a running `tailor dev` (its server, backend and worker) when there is one. */
  attachToDev: boolean;
  /** `embedded` always starts a dev server (tailor dev); `auto` prefers the environment's Temporal. @default 'auto' */
  temporal?: 'auto' | 'embedded';
  startWorker: boolean;
  log: (line: string) => void;
}

export interface Stack {
  target: TemporalTarget;
  client: Client;
  uiUrl?: string;
  openaiBaseURL?: string;
  /** How each part was found: for the first lines a user reads. */
  origin: { temporal: 'environment' | 'tailor dev' | 'embedded'; provider: 'environment' | 'tailor dev' | 'local backend' };
  server?: RunningDevServer;
  worker?: Worker;
  close(): Promise<void>;
}

/**
 * Temporal + provider + worker for a command that runs pipelines: a configured Temporal (TEMPORAL_ADDRESS etc.) or a
 * running `tailor dev`, else an embedded dev server (SQLite under .tailor/); a configured provider (OPENAI_BASE_URL /
 * OPENAI_API_KEY), else the local backend. Everything started here is stopped by `close()`, in reverse order.
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  };
  installQuietRuntime();
  try {
    const dev = opts.attachToDev ? await findRunningDev() : undefined;
    let target = opts.temporal === 'embedded' ? undefined : targetFromEnvironment();
    let origin: Stack['origin'] = { temporal: 'environment', provider: 'environment' };
    let server: RunningDevServer | undefined;
    let uiUrl: string | undefined;
    if (!target && dev) {
      target = { address: dev.temporalAddress, namespace: dev.namespace };
      uiUrl = dev.uiUrl;
      origin.temporal = 'tailor dev';
    }
    if (!target) {
      const port = opts.temporalPort ?? ((await isListening(7233)) ? await freePort() : 7233);
      const home = tailorHome();
      opts.log(`starting the Temporal dev server on 127.0.0.1:${port} (SQLite ${path.relative(process.cwd(), path.join(home, 'temporal', 'dev.db'))})`);
      server = await startDevServer({
        port,
        uiPort: opts.uiPort,
        dbFile: path.join(home, 'temporal', 'dev.db'),
        logFile: path.join(home, 'temporal', 'server.log'),
      });
      cleanups.push(() => server!.close());
      target = { address: server.address, namespace: server.namespace };
      uiUrl = server.uiUrl;
      origin.temporal = 'embedded';
    }

    let openaiBaseURL = process.env.OPENAI_BASE_URL;
    const providerConfigured = Boolean(process.env.OPENAI_BASE_URL || process.env.OPENAI_API_KEY);
    const attachedWorker = origin.temporal === 'tailor dev' && dev !== undefined;
    if (!providerConfigured && attachedWorker) {
      openaiBaseURL = dev.openaiBaseURL;
      origin.provider = 'tailor dev';
    } else if (!providerConfigured) {
      const backend: LocalOpenAIServer = await startLocalOpenAI({
        port: opts.backendPort ?? 0,
        dataDir: path.join(tailorHome(), 'local-openai'),
      });
      cleanups.push(() => backend.close());
      openaiBaseURL = backend.baseURL;
      // The in-process worker's activities read the provider from the environment, as a deployed worker would.
      process.env.OPENAI_BASE_URL = backend.baseURL;
      origin.provider = 'local backend';
      opts.log(`local OpenAI-compatible backend (small CPU learners, not LLMs) at ${backend.baseURL}`);
    }

    const { client, connection } = await connectClient(target);
    cleanups.push(() => (connection as Connection).close());

    let worker: Worker | undefined;
    if (opts.startWorker && !attachedWorker) {
      const nativeConnection: NativeConnection = await connectWorker(target);
      cleanups.push(() => nativeConnection.close());
      worker = await createTailorWorker({ connection: nativeConnection, namespace: target.namespace });
      const running = worker.run();
      cleanups.push(async () => {
        if (worker!.getState() === 'RUNNING') worker!.shutdown();
        await running;
      });
    }
    return { target, client, uiUrl, openaiBaseURL, origin, server, worker, close };
  } catch (err) {
    await close();
    throw err;
  }
}
