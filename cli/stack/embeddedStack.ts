import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { tailorHome } from '../../config/paths';
import { startLocalOpenAI, type LocalOpenAIServer } from '../../providers/local/server';
import { createTailorWorker, installQuietRuntime } from '../../workers/createWorker';
import { startDevServer, type RunningDevServer } from '../../workers/devServer';
import { freePort, isListening } from '../../workers/freePort';
import { connectClient, connectWorker, targetFromEnvironment, type TemporalTarget } from '../temporalConnection';
import { TASK_QUEUE } from '../../workers/taskQueue';
import { findRunningDev, type DevInfo } from './devInfo';

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
  origin: {
    temporal: 'environment' | 'tailor dev' | 'embedded';
    provider: 'environment' | 'tailor dev' | 'local backend';
    /** Who polls the `tailor` task queue for this command's work: a running `tailor dev`, or a worker started here. */
    worker: 'tailor dev' | 'this command' | 'none started';
  };
  /** The running `tailor dev` this command attached to. */
  dev?: DevInfo;
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
    const origin: Stack['origin'] = { temporal: 'environment', provider: 'environment', worker: 'none started' };
    let server: RunningDevServer | undefined;
    let uiUrl: string | undefined;
    // TEMPORAL_ADDRESS naming the running `tailor dev`'s server is that dev stack: attach to it (its backend and its
    // worker), or this command would start a second backend and a second worker on its `tailor` task queue.
    if (target && dev && isDevTarget(target, dev)) {
      uiUrl = dev.uiUrl;
      origin.temporal = 'tailor dev';
    }
    if (!target && dev) {
      target = { address: dev.temporalAddress, namespace: dev.namespace };
      uiUrl = dev.uiUrl;
      origin.temporal = 'tailor dev';
    }
    if (!target) {
      const port = opts.temporalPort ?? ((await isListening(7233)) ? await freePort() : 7233);
      const home = tailorHome();
      opts.log(
        `starting the Temporal dev server on 127.0.0.1:${port} (SQLite ` +
          `${path.relative(process.cwd(), path.join(home, 'temporal', 'dev.db'))})`,
      );
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
    if (attachedWorker) {
      // tailor dev's worker runs the work, with the provider it was started with.
      if (providerConfigured && process.env.OPENAI_BASE_URL !== dev.openaiBaseURL) {
        opts.log(
          `OPENAI_BASE_URL / OPENAI_API_KEY are set here, but tailor dev's worker runs the work with its provider`,
        );
      }
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
      origin.worker = 'this command';
    } else if (attachedWorker) {
      origin.worker = 'tailor dev';
    }
    return { target, client, uiUrl, openaiBaseURL, origin, ...(attachedWorker ? { dev } : {}), server, worker, close };
  } catch (err) {
    await close();
    throw err;
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Whether a configured Temporal target is the running `tailor dev`'s server (loopback spellings count as one). */
export function isDevTarget(target: TemporalTarget, dev: DevInfo): boolean {
  const split = (address: string) => {
    const i = address.lastIndexOf(':');
    const host = address.slice(0, i).toLowerCase();
    return { host: LOOPBACK.has(host) ? 'loopback' : host, port: address.slice(i + 1) };
  };
  const a = split(target.address);
  const b = split(dev.temporalAddress);
  return a.host === b.host && a.port === b.port && target.namespace === dev.namespace;
}

/** The first line a command prints about where its work runs: Temporal, provider and which worker executes it. */
export function stackLine(stack: Stack): string {
  const { origin, target } = stack;
  const ui = stack.uiUrl ? ` (UI ${stack.uiUrl})` : '';
  const provider =
    origin.provider === 'tailor dev'
      ? `tailor dev's${stack.openaiBaseURL ? ` backend at ${stack.openaiBaseURL}` : ' provider'}`
      : origin.provider === 'local backend'
        ? `a local backend started for this command at ${stack.openaiBaseURL}`
        : `${stack.openaiBaseURL ?? 'the OpenAI API'} (OPENAI_BASE_URL / OPENAI_API_KEY)`;
  const worker =
    origin.worker === 'tailor dev'
      ? `tailor dev's worker (pid ${stack.dev?.pid ?? '?'}) runs the work`
      : origin.worker === 'this command'
        ? `a worker in this command on task queue '${TASK_QUEUE}'` +
          (origin.temporal === 'environment' ? ` (with any other worker polling '${TASK_QUEUE}' there)` : '')
        : `the workers polling '${TASK_QUEUE}' there`;
  return `Temporal: ${origin.temporal} at ${target.address}${ui}; provider: ${provider}; workers: ${worker}`;
}
