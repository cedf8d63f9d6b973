import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type OpenAI from 'openai';
import { startPipeline } from '../../cli/stack/startPipeline';
import { loadSpec } from '../../config/loadSpec';
import type { PipelineResult } from '../../core/pipeline/pipelineTypes';
import { startLocalOpenAI, type LocalOpenAIServer } from '../../providers/local/server';
import type { customizationPipeline } from '../../workflows/customizationPipeline';
import { sdk } from '../support/backendAdmin';
import { CHAT_PATH, startCountingProxy, type CountingProxy } from '../support/countingProxy';
import { exampleSpecWith } from '../support/specFiles';
import { testTemporalAddress, uniqueTaskQueue } from '../support/temporal';
import { recordRow } from './scoreboard';

const TICKETS = path.join(__dirname, '..', '..', 'examples', 'support-tickets', 'data', 'tickets.jsonl');

/**
 * A lost worker is noticed when its activity's heartbeat (or attempt) times out: minutes by default, seconds here,
 * so a kill costs the suite seconds. What the suite checks (nothing lost, nothing doubled) does not depend on it.
 */
const FAST_LOSS_DETECTION = {
  data: { heartbeat: '15 seconds' },
  upload: { heartbeat: '15 seconds' },
  evaluation: { heartbeat: '15 seconds' },
  evalCases: { heartbeat: '15 seconds' },
  evalShard: { heartbeat: '15 seconds' },
  providerCall: '15 seconds',
};

/**
 * One fault scenario's own provider: a local backend (its own faults and data), the counting proxy Tailor talks to
 * instead, and a pipeline spec on a third of the example tickets (160: 32 test cases, about 100 training examples)
 * that names the proxy as its provider, so several scenarios share one dev server, and even one worker, apart.
 */
export interface FaultRig {
  name: string;
  home: string;
  backend: LocalOpenAIServer;
  proxy: CountingProxy;
  /** The official SDK straight at the backend (not through the proxy): the test's view, never billed. */
  api: OpenAI;
  specFile: string;
  taskQueue: string;
  /** Environment for a `tailor worker` process of this rig. */
  workerEnv: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function startRig(
  name: string,
  opts: { home?: string; spec?: Record<string, unknown>; faults?: string; taskQueue?: string } = {},
): Promise<FaultRig> {
  const home = opts.home ?? fs.mkdtempSync(path.join(os.tmpdir(), `tailor-fault-${name}-`));
  const backend = await startLocalOpenAI({
    port: 0,
    dataDir: path.join(home, `local-openai-${name}`),
    faults: opts.faults,
  });
  const proxy = await startCountingProxy(backend.baseURL);
  const data = path.join(home, `${name}-tickets.jsonl`);
  fs.writeFileSync(
    data,
    fs
      .readFileSync(TICKETS, 'utf8')
      .split('\n')
      .filter((l, i) => l && i % 3 === 2)
      .join('\n') + '\n',
  );
  const specFile = exampleSpecWith({
    name: `faults-${name}`,
    dataset: { path: data, format: 'chat', split: { validation: 0.1, test: 0.2, seed: 'faults' } },
    provider: { type: 'openai-compatible', baseUrl: proxy.baseURL },
    baselines: { zeroShot: true, fewShot: { k: 5, seed: 'faults' } },
    timeouts: FAST_LOSS_DETECTION,
    ...opts.spec,
  });
  return {
    name,
    home,
    backend,
    proxy,
    api: sdk(backend.baseURL),
    specFile,
    taskQueue: opts.taskQueue ?? uniqueTaskQueue(`faults-${name}`),
    workerEnv: {
      TEMPORAL_ADDRESS: testTemporalAddress(),
      TAILOR_HOME: home,
      OPENAI_BASE_URL: proxy.baseURL,
      OPENAI_API_KEY: 'test',
    },
    async close() {
      await proxy.close();
      await backend.close();
      if (!opts.home) fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

export async function startRigPipeline(
  client: Client,
  rig: FaultRig,
): Promise<{ runId: string; handle: WorkflowHandle<typeof customizationPipeline> }> {
  return startPipeline(client, loadSpec(rig.specFile), { taskQueue: rig.taskQueue, rerun: true });
}

export interface RunObservation {
  result?: PipelineResult;
  error?: string;
  /** Remote jobs beyond one per run tag not cancelled by Tailor, plus uploads beyond one per file name. */
  duplicates: number;
  /** Extra jobs Tailor found with a run's tag and cancelled (a create the provider accepted late). */
  cancelledExtras: number;
  /** Evaluation cases answered more than once (same request body delivered twice while the evaluation ran). */
  paidTwice: number;
  /** Chat answers delivered while the evaluation ran, and the cases it scored: equal when nothing was paid twice. */
  evalCalls: number;
  evalCases: number;
}

/** Waits for the run (up to `timeoutMs`, else it counts as lost) and counts what the provider did for it. */
export async function observeRun(
  client: Client,
  rig: FaultRig,
  runId: string,
  timeoutMs = 240_000,
): Promise<RunObservation> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>(
    (_, reject) =>
      (timer = setTimeout(() => reject(new Error(`run ${runId} did not finish within ${timeoutMs} ms`)), timeoutMs)),
  );
  let result: PipelineResult | undefined;
  let error: string | undefined;
  try {
    result = await Promise.race([client.workflow.getHandle<typeof customizationPipeline>(runId).result(), deadline]);
  } catch (err) {
    error = (err as Error).message;
  } finally {
    clearTimeout(timer);
  }
  const jobs = await duplicateJobs(rig.api);
  const duplicates = jobs.live + (await duplicateUploads(rig.api));
  const evalCalls = await evaluationCalls(client, rig.proxy, runId);
  const repeats = new Map<string, number>();
  for (const c of evalCalls) repeats.set(c.bodySha256, (repeats.get(c.bodySha256) ?? 0) + 1);
  const paidTwice = [...repeats.values()].reduce((s, n) => s + n - 1, 0);
  const evalCases = result ? result.leaderboard.reduce((s, v) => s + v.n, 0) : 0;
  return {
    result,
    error,
    duplicates,
    cancelledExtras: jobs.cancelled,
    paidTwice,
    evalCalls: evalCalls.length,
    evalCases,
  };
}

/**
 * Jobs beyond one per run tag: `live` those that trained on (or still train), `cancelled` the extras Tailor
 * cancelled (a create the provider accepted after its attempt gave up), which the scoreboard notes, not counts.
 */
async function duplicateJobs(api: OpenAI): Promise<{ live: number; cancelled: number }> {
  const perTag = new Map<string, OpenAI.FineTuning.FineTuningJob[]>();
  for await (const j of api.fineTuning.jobs.list({ limit: 100 })) {
    const tag = j.metadata?.tailor_run ?? `(untagged ${j.id})`;
    perTag.set(tag, [...(perTag.get(tag) ?? []), j]);
  }
  let live = 0;
  let cancelled = 0;
  for (const jobs of perTag.values()) {
    const extras = jobs.length - 1;
    const cancelledExtras = Math.min(extras, jobs.filter((j) => j.status === 'cancelled').length);
    cancelled += cancelledExtras;
    live += extras - cancelledExtras;
  }
  return { live, cancelled };
}

async function duplicateUploads(api: OpenAI): Promise<number> {
  const perName = new Map<string, number>();
  for await (const f of api.files.list({ purpose: 'fine-tune' }))
    perName.set(f.filename, (perName.get(f.filename) ?? 0) + 1);
  return [...perName.values()].reduce((s, n) => s + n - 1, 0);
}

/** Chat answers delivered before the run's evaluation closed (the smoke check through the alias comes after). */
async function evaluationCalls(client: Client, proxy: CountingProxy, runId: string) {
  let closedAt = Infinity;
  try {
    const d = await client.workflow.getHandle(`${runId}/evaluate`).describe();
    if (d.closeTime) closedAt = d.closeTime.getTime();
  } catch {
    return []; // the run never reached its evaluation
  }
  return proxy.delivered.filter((c) => c.path === CHAT_PATH && c.status === 200 && c.at <= closedAt);
}

/** The scoreboard row of one observed run (a run never observed counts as lost). */
export function recordRun(
  suite: string,
  fault: string,
  injected: number,
  seen: RunObservation | undefined,
  note?: string,
): void {
  const calls = seen?.result ? `eval calls ${seen.evalCalls}/${seen.evalCases} cases` : undefined;
  const extras = seen?.cancelledExtras ? `${seen.cancelledExtras} late extra job(s) cancelled` : undefined;
  const notes = [note, calls, extras].filter(Boolean).join('; ');
  recordRow({
    suite,
    fault,
    injected,
    runs: 1,
    completed: seen?.result ? 1 : 0,
    duplicates: seen?.duplicates ?? 0,
    paidTwice: seen?.paidTwice ?? 0,
    ...(notes ? { note: notes } : {}),
  });
}

/** What every fault test demands of its run: finished and promoted, nothing remote doubled, every case paid once. */
export function expectRecovered(seen: RunObservation | undefined): void {
  expect(seen?.error).toBeUndefined();
  expect(seen?.result?.deploy.outcome).toBe('promoted');
  expect(seen?.duplicates).toBe(0);
  expect(seen?.paidTwice).toBe(0);
  expect(seen?.evalCalls).toBe(seen?.evalCases);
}
