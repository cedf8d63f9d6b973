/**
 * Chat-completion throughput of the local OpenAI-compatible backend on loopback, next to its
 * anchor measured in the same run: a minimal `node:http` server answering a fixed JSON body of
 * the same size (the ceiling for any Node HTTP server on this machine). Each server runs in its
 * own process, as in real use, while this process drives it with keep-alive connections.
 *
 * Target: ≥ 1,000 requests/s with short prompts, so the backend never limits an orchestrator benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';

const REQUESTS = 5000;
const WARMUP = 500;
const CONCURRENCY = 32;
const ROOT = path.resolve(__dirname, '..');

const BODY = JSON.stringify({
  model: 'gpt-4o-mini',
  temperature: 0,
  messages: [
    {
      role: 'system',
      content:
        'Classify the ticket. Answer with one of these labels: billing, technical_issue, account_access, ' +
        'shipping, refund_request, product_question.',
    },
    { role: 'user', content: 'I was charged twice for my subscription this month.' },
  ],
});

interface RunResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** Starts a server in a child process; it prints its base URL as the first stdout line. */
function startChild(code: string): Promise<{ child: ChildProcess; baseURL: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', code], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, baseURL: out.slice(0, nl).trim() });
    });
    child.once('exit', (c) => reject(new Error(`server exited with code ${c} before printing its URL`)));
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Sends `count` POSTs with `CONCURRENCY` in flight over keep-alive sockets; latency per request. */
async function drive(baseURL: string, count: number): Promise<RunResult> {
  const url = new URL(`${baseURL}/chat/completions`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = process.hrtime.bigint();
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(BODY),
            authorization: 'Bearer bench',
          },
        },
        (res) => {
          res.on('data', () => {});
          res.on('end', () => {
            if (res.statusCode !== 200) errors++;
            latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(BODY);
    });
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        next++;
        await one();
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { rps: count / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors };
}

async function measure(code: string): Promise<RunResult> {
  const { child, baseURL } = await startChild(code);
  try {
    await drive(baseURL, WARMUP);
    return await drive(baseURL, REQUESTS);
  } finally {
    child.kill('SIGTERM');
  }
}

export async function benchLocalBackend(): Promise<{ name: string; lines: string[] }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-local-'));
  const backendCode =
    `require('./providers/local/server.ts').startLocalOpenAI({ port: 0, dataDir: ${JSON.stringify(dataDir)} ` +
    `}).then((s) => { process.stdout.write(s.baseURL + '\\n'); process.on('SIGTERM', () => s.close().then(() ` +
    `=> process.exit(0))); });`;
  // A canned completion of the same shape and size as the backend's answer.
  const canned = JSON.stringify({
    id: 'chatcmpl-anchor',
    object: 'chat.completion',
    created: 0,
    model: 'gpt-4o-mini',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'billing', refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 52, completion_tokens: 1, total_tokens: 53 },
  });
  const anchorCode =
    `const http = require('node:http'); const body = ${JSON.stringify(canned)}; const s = http.createServer({ ` +
    `keepAliveTimeout: 65000 }, (req, res) => { req.on('data', () => {}); req.on('end', () => { ` +
    `res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); ` +
    `res.end(body); }); }); s.listen(0, '127.0.0.1', () => process.stdout.write('http://127.0.0.1:' + ` +
    `s.address().port + '/v1\\n')); process.on('SIGTERM', () => process.exit(0));`;
  const anchor = await measure(anchorCode);
  const backend = await measure(backendCode);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const fmt = (r: RunResult) =>
    `${Math.round(r.rps).toLocaleString('en-US')} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ` +
    `ms${r.errors ? `, ${r.errors} errors` : ''}`;
  return {
    name: 'local-backend',
    lines: [
      `chat completions, ${REQUESTS} short requests, ${CONCURRENCY} in flight, keep-alive, loopback (` +
        `${os.cpus().length} cores)`,
      `local backend : ${fmt(backend)}`,
      `anchor        : ${fmt(anchor)}  (minimal node:http server, fixed JSON body)`,
      `ratio         : ${(backend.rps / anchor.rps).toFixed(2)} of the anchor; target ≥ 1,000 req/s: ` +
        `${backend.rps >= 1000 && backend.errors === 0 ? 'met' : 'NOT met'}`,
    ],
  };
}

if (require.main === module || process.argv[1]?.endsWith('localBackend.ts')) {
  void benchLocalBackend().then((r) => console.log([`== ${r.name} ==`, ...r.lines].join('\n')));
}
