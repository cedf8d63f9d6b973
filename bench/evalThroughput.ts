/**
 * Eval throughput against a provider rate limit: 5,000 cases through evalSuiteWorkflow against the local backend
 * limited to 3,000 requests/min, reported as the achieved request rate's share of that limit (target ≥ 90%), with
 * failed cases (target 0) and the run's history events. The anchor, measured on the same cases in the same run, is
 * a promptfoo-style loop: fixed concurrency 4, each 429 waited out per its retry-after and retried.
 *
 * The backend's token bucket starts full (a minute's worth of requests), which would let the first 3,000 requests
 * through at once; both runs start from an emptied bucket so they measure the sustained rate.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import OpenAI from 'openai';
import { DEFAULT_EXECUTION, DEFAULT_SAMPLING, type ResolvedEvalSuite } from '../core/evalSuite/evalSuiteTypes';
import { bundleWorkflows, createTailorWorker, installQuietRuntime } from '../workers/createWorker';
import { startDevServer } from '../workers/devServer';
import { evalSuiteWorkflow } from '../workflows/evalSuiteWorkflow';

const ROOT = path.resolve(__dirname, '..');
const CASES = Number(process.env.TAILOR_BENCH_EVAL_CASES ?? 5000);
const RPM = 3000;
const MODEL = 'gpt-4o-mini-2024-07-18';

function startBackend(dataDir: string): Promise<{ child: ChildProcess; baseURL: string }> {
  return new Promise((resolve, reject) => {
    // `chat=slow:1` changes nothing measurable but counts every chat request (its `fired` count), 429s included.
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, 'bin', 'tailor.js'),
        'local-openai',
        '--port',
        '0',
        '--data-dir',
        dataDir,
        '--faults',
        'chat=slow:1',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, baseURL: out.slice(0, nl).trim() });
    });
    child.once('exit', (c) => reject(new Error(`backend exited ${c}`)));
  });
}

async function admin(baseURL: string, route: string, body?: unknown): Promise<unknown> {
  const res = await fetch(
    `${baseURL}/_admin/${route}`,
    body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  return res.json();
}

async function chatRequests(baseURL: string): Promise<number> {
  const d = (await admin(baseURL, 'faults')) as { rules: { fired: number }[] };
  return d.rules[0]!.fired;
}

/** Spends the bucket's burst allowance so the measured run starts at the sustained rate. */
async function emptyBucket(client: OpenAI): Promise<void> {
  for (let limited = false; !limited;) {
    const batch = await Promise.allSettled(
      Array.from({ length: 64 }, () =>
        client.chat.completions.create({
          model: MODEL,
          messages: [{ role: 'user', content: 'x' }],
          max_completion_tokens: 1,
        }),
      ),
    );
    limited = batch.some((r) => r.status === 'rejected' && r.reason instanceof OpenAI.RateLimitError);
  }
}

function writeCases(file: string): void {
  const rows = fs
    .readFileSync(path.join(ROOT, 'examples', 'support-tickets', 'data', 'tickets.jsonl'), 'utf8')
    .trim()
    .split('\n');
  const out: string[] = [];
  for (let i = 0; i < CASES; i++) {
    const row = JSON.parse(rows[i % rows.length]!) as { messages: { role: string; content: string }[] };
    row.messages[1]!.content += ` (ref ${i})`; // every case distinct, so none is served from the result cache
    out.push(JSON.stringify(row));
  }
  fs.writeFileSync(file, out.join('\n') + '\n');
}

/** promptfoo-style: a fixed number of requests in flight; a 429 waits its retry-after, then the same case retries. */
async function fixedConcurrency(
  client: OpenAI,
  cases: { messages: { role: string; content: string }[] }[],
  concurrency: number,
): Promise<{ failed: number }> {
  let next = 0;
  let failed = 0;
  const lane = async () => {
    for (let i = next++; i < cases.length; i = next++) {
      for (let attempt = 0; ; attempt++) {
        try {
          await client.chat.completions.create({
            model: MODEL,
            messages: cases[i]!.messages.slice(0, -1) as never,
            temperature: 0,
            seed: 0,
            max_completion_tokens: 256,
          });
          break;
        } catch (err) {
          if (err instanceof OpenAI.RateLimitError && attempt < 50) {
            const ms = Number(err.headers?.get('retry-after-ms') ?? 1000);
            await new Promise((r) => setTimeout(r, ms));
            continue;
          }
          failed++;
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { failed };
}

export async function benchEvalThroughput(): Promise<{ name: string; lines: string[] }> {
  installQuietRuntime('ERROR');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-eval-'));
  const prevHome = process.env.TAILOR_HOME;
  const prevBase = process.env.OPENAI_BASE_URL;
  const prevKey = process.env.OPENAI_API_KEY;
  process.env.TAILOR_HOME = path.join(dir, 'home');
  const server = await startDevServer({
    dbFile: path.join(dir, 'temporal.db'),
    logFile: path.join(dir, 'temporal.log'),
  });
  const backend = await startBackend(path.join(dir, 'backend'));
  process.env.OPENAI_BASE_URL = backend.baseURL;
  process.env.OPENAI_API_KEY = 'bench';
  const sdk = new OpenAI({ baseURL: backend.baseURL, apiKey: 'bench', maxRetries: 0 });
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const taskQueue = `bench-eval-${Date.now().toString(36)}`;
  const worker = await createTailorWorker({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflows(),
  });
  const running = worker.run();
  try {
    const casesFile = path.join(dir, 'cases.jsonl');
    writeCases(casesFile);
    await admin(backend.baseURL, 'rate_limits', { rpm: RPM });

    // Tailor: the eval workflow, shards of 100, 8 requests in flight per shard, 4 shards at once.
    await emptyBucket(sdk);
    const before = await chatRequests(backend.baseURL);
    const suite: ResolvedEvalSuite = {
      name: 'bench-throughput',
      cases: { type: 'file', path: casesFile },
      variants: [{ id: 'zero-shot', label: 'zero-shot', model: MODEL, sampling: DEFAULT_SAMPLING }],
      assertions: [{ type: 'classification', expected: '{{item.expected}}' }],
      primaryMetric: 'accuracy',
      gate: [],
      execution: DEFAULT_EXECUTION,
    };
    const client = new Client({ connection });
    const t0 = performance.now();
    const handle = await client.workflow.start(evalSuiteWorkflow, {
      taskQueue,
      workflowId: `bench-eval-${Date.now()}`,
      args: [{ suite }],
    });
    const result = await handle.result();
    const tailorMs = performance.now() - t0;
    const tailorRequests = (await chatRequests(backend.baseURL)) - before;
    const events = (await handle.fetchHistory()).events?.length ?? 0;
    const failed = result.variants[0]!.errored;

    // Anchor: the same cases, fixed concurrency 4.
    const cases = fs
      .readFileSync(casesFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { messages: { role: string; content: string }[] });
    await emptyBucket(sdk);
    const before2 = await chatRequests(backend.baseURL);
    const t1 = performance.now();
    const anchor = await fixedConcurrency(sdk, cases, 4);
    const anchorMs = performance.now() - t1;
    const anchorRequests = (await chatRequests(backend.baseURL)) - before2;

    const rate = (ms: number) => (CASES / ms) * 60_000;
    const share = (ms: number) => rate(ms) / RPM;
    return {
      name: 'eval-throughput',
      lines: [
        `${CASES} cases, local backend limited to ${RPM} requests/min (bucket emptied first)`,
        `Tailor evalSuiteWorkflow (shards of ${DEFAULT_EXECUTION.shardSize}, ${DEFAULT_EXECUTION.concurrency}` +
          `×${DEFAULT_EXECUTION.shardsInFlight} in flight): ${(tailorMs / 1000).toFixed(1)} s, ` +
          `${rate(tailorMs).toFixed(0)} cases/min = ${(share(tailorMs) * 100).toFixed(1)}% of the limit ` +
          `(target ≥ 90%); failed cases ${failed} (target 0); ${tailorRequests - CASES} requests rejected with ` +
          `429; ${events} history events`,
        `anchor, promptfoo-style fixed concurrency 4: ${(anchorMs / 1000).toFixed(1)} s, ` +
          `${rate(anchorMs).toFixed(0)} cases/min = ${(share(anchorMs) * 100).toFixed(1)}% of the limit; ` +
          `failed ${anchor.failed}; ${anchorRequests - CASES} requests rejected with 429`,
        `ratio Tailor / anchor (throughput): ${(anchorMs / tailorMs).toFixed(2)}`,
      ],
    };
  } finally {
    worker.shutdown();
    await running.catch(() => undefined);
    await nativeConnection.close();
    await connection.close();
    backend.child.kill('SIGTERM');
    await server.close();
    process.env.TAILOR_HOME = prevHome;
    if (prevBase === undefined) delete process.env.OPENAI_BASE_URL;
    else process.env.OPENAI_BASE_URL = prevBase;
    if (prevKey === undefined) delete process.env.OPENAI_API_KEY;
    else process.env.OPENAI_API_KEY = prevKey;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Directly: `node bin/run-ts.js bench/evalThroughput.ts` (run-ts requires the file, so require.main is run-ts).
if (require.main === module || process.argv[1]?.endsWith('evalThroughput.ts')) {
  benchEvalThroughput().then(
    (r) => console.log([`== ${r.name} ==`, ...r.lines.map((l) => `  ${l}`)].join('\n')),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
