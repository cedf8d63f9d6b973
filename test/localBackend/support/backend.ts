/**
 * Starts a real local backend on a random loopback port with its own temp data dir, and an
 * official `openai` client pointed at it (no retries, so every error reaches the test).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { startLocalOpenAI, type LocalOpenAIOptions, type LocalOpenAIServer } from '../../../providers/local/server';

export interface TestBackend {
  server: LocalOpenAIServer;
  client: OpenAI;
  dataDir: string;
  close(): Promise<void>;
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-local-openai-'));
}

export async function startTestBackend(opts: LocalOpenAIOptions = {}): Promise<TestBackend> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const server = await startLocalOpenAI({ stepDelayMs: 2, ...opts, dataDir, port: 0 });
  const client = testClient(server.baseURL);
  return { server, client, dataDir, close: () => server.close() };
}

/**
 * The official client with no retries. Its fetch re-throws undici's AbortError as an Error of this
 * realm: under jest's VM sandbox the DOMException from Node's own realm fails the SDK's
 * `instanceof Error` check, and a timeout would surface as a plain APIConnectionError instead of
 * the APIConnectionTimeoutError it is in a normal Node process.
 */
export function testClient(baseURL: string, maxRetries = 0): OpenAI {
  const realmSafeFetch: typeof fetch = async (input, init) => {
    try {
      return await fetch(input, init);
    } catch (err) {
      if ((err as { name?: string })?.name === 'AbortError') {
        throw Object.assign(new Error((err as Error).message), { name: 'AbortError' });
      }
      throw err;
    }
  };
  return new OpenAI({ baseURL, apiKey: 'test', maxRetries, fetch: realmSafeFetch });
}

/** Polls a job until it reaches one of the wanted statuses (paused counts as non-terminal). */
export async function waitForJob(
  client: OpenAI,
  id: string,
  statuses: string[] = ['succeeded', 'failed', 'cancelled'],
  timeoutMs = 30_000,
): Promise<OpenAI.FineTuning.FineTuningJob> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await client.fineTuning.jobs.retrieve(id);
    if (statuses.includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
