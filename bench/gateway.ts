/**
 * What the gateway adds: chat completions to the local backend through `tailor gateway` (model `bench@prod`, an
 * alias resolved through the registry) next to the same requests sent to the backend directly, in the same run.
 * The backend and the gateway each run in their own process, as in real use; this process drives both with the
 * same keep-alive client. Reported: p50 and p99 latency and throughput for both, the added latency and the ratio.
 * Then capture off vs on at a fixed open-loop rate (500 requests/s): the backend directly, the gateway without
 * capture, and a gateway capturing every answer of `bench@prod` (bench/captureGateway.ts), one after the other in the
 * same run; and the capture count: answers served, rows the writer acknowledged, rows in the store after it flushed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { CaptureStore } from '../stores/capture/captureStore';
import { Registry } from '../stores/registry/registryDb';

const REQUESTS = 3000;
const WARMUP = 300;
const CONCURRENCY = 16;
/** The open-loop rate (requests/s), lowered to half the gateway's saturated throughput on a slower machine. */
const PACED_RATE = 500;
const PACED_SECONDS = 4;
/** Capture off vs on: the fixed rate asked for (not lowered), for this long each. */
const CAPTURE_RATE = 500;
const CAPTURE_SECONDS = 6;
const ROOT = path.resolve(__dirname, '..');

const body = (model: string) =>
  JSON.stringify({
    model,
    temperature: 0,
    messages: [
      { role: 'system', content: 'Classify the ticket. Answer with one of: billing, technical_issue, refund_request.' },
      { role: 'user', content: 'I was charged twice for my subscription this month.' },
    ],
  });

interface RunResult {
  /** Answers with status 200. */
  ok: number;
  /** Every request's latency (ms), sorted, and the wall time the run took (s). */
  latencies: number[];
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

interface Child {
  child: ChildProcess;
  url: string;
  /** Everything it printed to stdout so far. */
  output(): string;
}

/** Starts a server in a child process; it prints its URL as the first stdout line. */
function startChild(code: string, env: NodeJS.ProcessEnv = {}): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', code], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, url: out.slice(0, nl).trim(), output: () => out });
    });
    child.once('exit', (c) => reject(new Error(`server exited with code ${c} before printing its URL`)));
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Sends `count` POSTs over keep-alive sockets: closed loop with `CONCURRENCY` in flight, or open loop at `rate`
 * requests/s (each request sent on its schedule, whatever the ones before it are doing); latency per request.
 */
async function drive(baseURL: string, payload: string, count: number, rate?: number): Promise<RunResult> {
  const url = new URL(`${baseURL}/chat/completions`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: rate ? 256 : CONCURRENCY });
  const latencies: number[] = [];
  let errors = 0;
  let ok = 0;
  let next = 0;
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = process.hrtime.bigint();
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers },
        (res) => {
          res.on('data', () => {});
          res.on('end', () => {
            if (res.statusCode !== 200) errors++;
            else ok++;
            latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(payload);
    });
  const started = process.hrtime.bigint();
  if (rate) {
    const sent: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const due = Number(started) / 1e6 + (i * 1000) / rate;
      const wait = due - Number(process.hrtime.bigint()) / 1e6;
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      sent.push(one());
    }
    await Promise.all(sent);
  } else {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) {
          next++;
          await one();
        }
      }),
    );
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return summary(latencies, seconds, ok, errors);
}

function summary(latencies: number[], seconds: number, ok: number, errors: number): RunResult {
  const p = (q: number) => percentile(latencies, q);
  return { ok, latencies, seconds, rps: latencies.length / seconds, p50: p(50), p99: p(99), errors };
}

/** Runs merged into one result: all their latencies, their summed wall time. */
function merged(runs: RunResult[]): RunResult {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const sum = (f: (r: RunResult) => number) => runs.reduce((n, r) => n + f(r), 0);
  return summary(
    latencies,
    sum((r) => r.seconds),
    sum((r) => r.ok),
    sum((r) => r.errors),
  );
}

const line = (name: string, r: RunResult) =>
  `${name}: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${Math.round(r.rps)} req/s` +
  (r.errors ? `, ${r.errors} errors` : '');

/** Stops a child with SIGTERM and resolves with its stdout once it has exited. */
function stopChild(c: Child): Promise<string> {
  return new Promise((resolve) => {
    c.child.once('exit', () => resolve(c.output()));
    c.child.kill('SIGTERM');
  });
}

const ratios = (r: RunResult, anchor: RunResult) =>
  `p50 +${(r.p50 - anchor.p50).toFixed(2)} ms (${(r.p50 / anchor.p50).toFixed(2)}×), ` +
  `p99 +${(r.p99 - anchor.p99).toFixed(2)} ms (${(r.p99 / anchor.p99).toFixed(2)}×), ` +
  `throughput ${(r.rps / anchor.rps).toFixed(2)}×`;

/**
 * Capture off vs on at CAPTURE_RATE requests/s, open loop, against the backend directly in the same run (the
 * three interleaved second by second, throughput as answers per second of wall time a slice took); then the
 * capture gateway is stopped (its writer flushes) and its acknowledged rows are compared with the rows stored.
 */
async function captureRows(home: string, backendUrl: string, plainGatewayUrl: string): Promise<string[]> {
  const capturing = await startChild(
    `require('./bench/captureGateway.ts').serveCaptureGateway(${JSON.stringify(home)})` +
      `.then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });`,
    { OPENAI_BASE_URL: backendUrl },
  );
  let stopped = false;
  try {
    const direct = body('gpt-4o-mini');
    const aliased = body('bench@prod');
    const warm = await drive(`${capturing.url}/v1`, aliased, WARMUP);
    // One-second slices, the three targets in turn: load from outside this run falls on all three alike.
    const slices: Record<'d' | 'off' | 'on', RunResult[]> = { d: [], off: [], on: [] };
    for (let i = 0; i < CAPTURE_SECONDS; i++) {
      slices.d.push(await drive(backendUrl, direct, CAPTURE_RATE, CAPTURE_RATE));
      slices.off.push(await drive(`${plainGatewayUrl}/v1`, aliased, CAPTURE_RATE, CAPTURE_RATE));
      slices.on.push(await drive(`${capturing.url}/v1`, aliased, CAPTURE_RATE, CAPTURE_RATE));
    }
    const [d, off, on] = [merged(slices.d), merged(slices.off), merged(slices.on)];
    const printed = await stopChild(capturing);
    stopped = true;
    const counts = JSON.parse(printed.trim().split('\n').at(-1)!) as {
      acknowledged: number;
      dropped: number;
      failed: number;
    };
    const store = new CaptureStore(path.join(home, 'capture.db'));
    const stored = store.count();
    store.close();
    const served = warm.ok + on.ok; // warm-up answers are captured too
    const lost = counts.acknowledged - stored;
    return [
      line(`backend direct at ${CAPTURE_RATE} req/s open loop, ${CAPTURE_SECONDS} interleaved 1 s slices (anchor)`, d),
      line(`gateway, capture off, at ${CAPTURE_RATE} req/s`, off),
      line(`gateway, capture on (every answer of bench@prod), at ${CAPTURE_RATE} req/s`, on),
      `capture off vs direct: ${ratios(off, d)}`,
      `capture on vs direct: ${ratios(on, d)}`,
      `capture on vs off: p50 +${(on.p50 - off.p50).toFixed(2)} ms, p99 +${(on.p99 - off.p99).toFixed(2)} ms`,
      `captured rows: ${served} answers served (${warm.ok} warm-up + ${on.ok}), ${counts.acknowledged} acknowledged by ` +
        `the writer, ${stored} in the store after the flush, ${lost} lost, ${counts.dropped} dropped (queue full), ` +
        `${counts.failed} failed`,
    ];
  } finally {
    if (!stopped) capturing.child.kill('SIGTERM');
  }
}

export async function benchGateway(): Promise<{ name: string; lines: string[] }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-gateway-'));
  const registry = new Registry(path.join(home, 'registry.db'));
  registry.registerModel({
    model: 'gpt-4o-mini',
    pipeline: 'bench',
    provider: 'default',
    baseModel: 'gpt-4o-mini',
    jobId: null,
    trainSha256: null,
    specSha256: null,
    runId: 'bench',
    evalReportUri: null,
    score: null,
    createdAt: Date.now(),
  });
  registry.moveAlias({
    pipeline: 'bench',
    alias: 'prod',
    toModel: 'gpt-4o-mini',
    who: 'bench',
    why: 'bench',
    runId: null,
  });
  registry.close();
  const dataDir = path.join(home, 'backend');
  const backendCode =
    `require('./providers/local/server.ts').startLocalOpenAI({ port: 0, dataDir: ${JSON.stringify(dataDir)}, ` +
    `rateLimit: { rpm: 1e9, tpm: 1e12 } }).then((s) => { process.stdout.write(s.baseURL + '\\n'); ` +
    `process.on('SIGTERM', () => s.close().then(() => process.exit(0))); });`;
  const gatewayCode = `require('./cli/main.ts').main(['gateway', '--port', '0']).then((c) => process.exit(c));`;
  const children: ChildProcess[] = [];
  try {
    const backend = await startChild(backendCode);
    children.push(backend.child);
    const env = { TAILOR_HOME: home, TAILOR_REGISTRY: path.join(home, 'registry.db'), OPENAI_BASE_URL: backend.url };
    const gateway = await startChild(gatewayCode, env);
    children.push(gateway.child);
    const direct = body('gpt-4o-mini');
    const aliased = body('bench@prod');
    await drive(backend.url, direct, WARMUP);
    await drive(`${gateway.url}/v1`, aliased, WARMUP);
    const d = await drive(backend.url, direct, REQUESTS);
    const g = await drive(`${gateway.url}/v1`, aliased, REQUESTS);
    // Below saturation: a fixed rate both can sustain, so the figure is the gateway's own cost, not queueing.
    const rate = Math.min(PACED_RATE, Math.floor(g.rps / 2));
    const dp = await drive(backend.url, direct, rate * PACED_SECONDS, rate);
    const gp = await drive(`${gateway.url}/v1`, aliased, rate * PACED_SECONDS, rate);
    return {
      name: 'gateway',
      lines: [
        line('backend direct (anchor)', d),
        line('through the gateway (bench@prod)', g),
        `added latency: p50 +${(g.p50 - d.p50).toFixed(2)} ms, p99 +${(g.p99 - d.p99).toFixed(2)} ms; ` +
          `throughput ${(g.rps / d.rps).toFixed(2)}× the direct rate (${REQUESTS} requests, ${CONCURRENCY} in flight)`,
        line(`backend direct at ${rate} req/s (anchor)`, dp),
        line(`through the gateway at ${rate} req/s`, gp),
        `added latency at ${rate} req/s: p50 +${(gp.p50 - dp.p50).toFixed(2)} ms, ` +
          `p99 +${(gp.p99 - dp.p99).toFixed(2)} ms (ratio p50 ${(gp.p50 / dp.p50).toFixed(2)}×)`,
        ...(await captureRows(home, backend.url, gateway.url)),
      ],
    };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    fs.rmSync(home, { recursive: true, force: true });
  }
}
