/**
 * `npm run bench -- llm`: the real model (SmolLM2-135M-Instruct from the trainer's catalogue) through Tailor, each
 * figure beside its anchor measured in this run:
 *  (a) training tokens/s through the trainer's `trainSupervised` activity (as the worker runs it) vs a plain PEFT loop
 *      on the same examples and settings (bench/python/llm_train.py; goal ≥ 0.9×);
 *  (b) evaluation cases/s through the chat server at concurrency 4 vs sequential `generate` in one process
 *      (bench/python/llm_generate.py; goal ≥ 2×);
 *  (c) a reduced journey's wall time end to end: customizationPipeline on a dev server with the Python trainer worker
 *      and the chat server (prepare, validate, zero-shot baseline, LoRA, evaluation, gate, deploy with the adapter
 *      registered, smoke test).
 * Sizes as flags after the name (`npm run bench -- llm --train=16 --cases=8 --journey=32`; 0 skips that part)
 * or TAILOR_BENCH_LLM_* variables. Both sides of (a) and (b) run with the same torch threads (--threads, default 1:
 * a shared 2-core machine runs one thread per process far better than two).
 */
import { spawn, spawnSync, type SpawnOptionsWithStdioTuple } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { rootCause } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import { stringify } from 'yaml';
import { startPipeline } from '../cli/stack/startPipeline';
import { loadSpec } from '../config/loadSpec';
import { bundleWorkflows, createTailorWorker, installQuietRuntime } from '../workers/createWorker';
import { startDevServer } from '../workers/devServer';
import { startPythonModule } from '../workers/pythonModule';

const ROOT = path.resolve(__dirname, '..');
const TRAINER_DIR = path.join(ROOT, 'workers', 'trainer');
const PYTHON = path.join(ROOT, '.tools', 'trainer-venv', 'bin', 'python');
const MODEL = 'smollm2-135m-instruct';
const TICKETS = path.join(ROOT, 'examples', 'support-tickets', 'data', 'tickets.jsonl');
const SETUP_HINT = 'run `npm run setup:trainer` (it installs the trainer environment and converts the model once)';

function flag(name: string, env: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const raw = arg ? arg.slice(name.length + 3) : process.env[env];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} (${env}): expected a whole number, got '${raw}'`);
  return n;
}

const SIZES = () => ({
  train: flag('train', 'TAILOR_BENCH_LLM_TRAIN', 32),
  cases: flag('cases', 'TAILOR_BENCH_LLM_CASES', 12),
  journey: flag('journey', 'TAILOR_BENCH_LLM_JOURNEY', 40),
  threads: flag('threads', 'TAILOR_BENCH_LLM_THREADS', 1),
  maxTokens: flag('max-tokens', 'TAILOR_BENCH_LLM_MAX_TOKENS', 8),
});

const pyEnv = (threads: number) => ({
  ...process.env,
  PYTHONPATH: TRAINER_DIR,
  OMP_NUM_THREADS: String(threads),
  HF_HUB_OFFLINE: '1',
  TRANSFORMERS_OFFLINE: '1',
  TOKENIZERS_PARALLELISM: 'false',
});

const spawnOptions = (threads: number): SpawnOptionsWithStdioTuple<'ignore', 'pipe', 'pipe'> => ({
  cwd: TRAINER_DIR,
  env: pyEnv(threads),
  stdio: ['ignore', 'pipe', 'pipe'],
});

/** The converted model's folder, or an error naming the set-up command. */
function modelFolder(): string {
  if (!fs.existsSync(PYTHON)) {
    throw new Error(`the trainer environment (.tools/trainer-venv) is missing: ${SETUP_HINT}`);
  }
  const opts = { cwd: TRAINER_DIR, env: pyEnv(1), encoding: 'utf8' as const };
  const r = spawnSync(PYTHON, ['-m', 'tailor_trainer.catalog', 'path', MODEL], opts);
  const dir = r.stdout.trim();
  if (r.status !== 0 || !dir || !fs.existsSync(path.join(dir, 'config.json'))) {
    const why = (r.stderr || r.stdout).trim().split('\n').pop();
    throw new Error(`the base model ${MODEL} is not installed (${why}): ${SETUP_HINT}`);
  }
  return dir;
}

/** Runs a Python script to completion; resolves with the JSON object on its last stdout line. */
function runPython<T>(script: string, args: string[], threads: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [path.join(__dirname, 'python', script), ...args], spawnOptions(threads));
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as T);
      else reject(new Error(`${script} exited ${code}: ${err.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}

interface PythonServer {
  url: string;
  stop(): Promise<void>;
}

/** `python -m module args` from the trainer's venv (workers/pythonModule.ts), with the bench's thread count. */
const startModule = (module: string, args: string[], ready: RegExp, threads: number) =>
  startPythonModule(module, args, ready, { env: pyEnv(threads), timeoutMs: 600_000 });

async function startChatServer(threads: number): Promise<PythonServer> {
  const args = ['--base', MODEL, '--port', '0', '--threads', String(threads)];
  const s = await startModule('tailor_trainer.chat_server', args, /listening on (http:\S+)/, threads);
  return { url: /listening on (http:\S+)/.exec(s.output())![1]!, stop: s.stop };
}

type Chat = { role: string; content: string }[];

function ticketRows(n: number, offset = 0): string[] {
  const rows = fs.readFileSync(TICKETS, 'utf8').trim().split('\n');
  if (offset + n > rows.length) {
    throw new Error(`asked for ${offset + n} examples; ${path.relative(ROOT, TICKETS)} has ${rows.length}`);
  }
  return rows.slice(offset, offset + n);
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : NaN);
const s = (secs: number) => `${secs.toFixed(1)} s`;

async function benchTraining(dir: string, modelDir: string, sz: ReturnType<typeof SIZES>): Promise<string[]> {
  const data = path.join(dir, 'train.jsonl');
  fs.writeFileSync(data, ticketRows(sz.train).join('\n') + '\n');
  type Out = { secs: number; tokens: number; steps: number; losses: number[]; reportedTokensPerSecond?: number | null };
  const common = ['--model-dir', modelDir, '--data', data, '--batch', '8', '--rank', '16', '--lr', '2e-4'];
  // The anchor first, then Tailor: any warm-up (page cache) favours the second, Tailor, only if at all.
  const side = (which: string, model: string) => {
    const args = ['--which', which, '--model', model, '--out', path.join(dir, which), ...common];
    return runPython<Out>('llm_train.py', args, sz.threads);
  };
  const plain = await side('plain', modelDir);
  const tailor = await side('tailor', MODEL);
  const tps = (o: Out) => o.tokens / o.secs;
  const loss = (o: Out) => {
    const [first, last] = [o.losses[0], o.losses[o.losses.length - 1]];
    if (first === undefined || last === undefined) return 'no loss logged';
    return `loss ${first.toFixed(2)} → ${last.toFixed(2)}`;
  };
  const reported = tailor.reportedTokensPerSecond
    ? ` (its own progress report: ${tailor.reportedTokensPerSecond.toFixed(1)} tokens/s over the steps)`
    : '';
  return [
    `(a) training: ${sz.train} support tickets, ${tailor.tokens} tokens, LoRA r16 on q/k/v/o, batch 8, one epoch, ` +
      `${sz.threads} torch thread(s); timed from loading the model to the adapter saved`,
    `    Tailor trainer (trainSupervised activity, heartbeats on): ${s(tailor.secs)}, ` +
      `${tps(tailor).toFixed(1)} tokens/s, ` +
      `${tailor.steps} steps, ${loss(tailor)}${reported}`,
    `    anchor, plain PEFT loop: ${s(plain.secs)}, ${tps(plain).toFixed(1)} tokens/s, ` +
      `${plain.steps} steps, ${loss(plain)}`,
    `    ratio Tailor / anchor (tokens/s): ${ratio(tps(tailor), tps(plain)).toFixed(2)} (goal ≥ 0.9)`,
  ];
}

async function chatCompletion(url: string, messages: Chat, maxTokens: number): Promise<string> {
  const res = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, messages, max_tokens: maxTokens, temperature: 0 }),
  });
  if (!res.ok) throw new Error(`chat server answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  const body = (await res.json()) as { choices: { message: { content: string } }[] };
  return body.choices[0]!.message.content.trim();
}

async function benchEvaluation(dir: string, modelDir: string, sz: ReturnType<typeof SIZES>): Promise<string[]> {
  // Held-out tickets: past the ones (a) trains on.
  const rows = ticketRows(sz.cases, 400);
  const casesFile = path.join(dir, 'cases.jsonl');
  fs.writeFileSync(casesFile, rows.join('\n') + '\n');
  const cases = rows.map((r) => (JSON.parse(r) as { messages: Chat }).messages.slice(0, -1));
  const server = await startChatServer(sz.threads);
  let served: string[];
  let serverSecs: number;
  try {
    await chatCompletion(server.url, cases[0]!, 1); // warm-up, not timed (the anchor's load is not timed either)
    const t0 = performance.now();
    served = new Array<string>(cases.length);
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < cases.length; i = next++) {
        served[i] = await chatCompletion(server.url, cases[i]!, sz.maxTokens);
      }
    };
    await Promise.all(Array.from({ length: 4 }, lane));
    serverSecs = (performance.now() - t0) / 1000;
  } finally {
    await server.stop();
  }
  const anchorArgs = ['--model', modelDir, '--cases', casesFile, '--max-tokens', String(sz.maxTokens)];
  const anchor = await runPython<{ secs: number; outputs: string[] }>('llm_generate.py', anchorArgs, sz.threads);
  const same = served.filter((o, i) => o === anchor.outputs[i]).length;
  const rate = (secs: number) => sz.cases / secs;
  return [
    `(b) evaluation: ${sz.cases} held-out tickets, greedy, at most ${sz.maxTokens} new tokens, ` +
      `${sz.threads} torch thread(s); model loaded before timing`,
    `    Tailor chat server, 4 requests in flight (batched): ${s(serverSecs)}, ${rate(serverSecs).toFixed(3)} cases/s`,
    `    anchor, sequential generate in one process: ${s(anchor.secs)}, ${rate(anchor.secs).toFixed(3)} cases/s`,
    `    ratio Tailor / anchor (cases/s): ${ratio(rate(serverSecs), rate(anchor.secs)).toFixed(2)} (goal ≥ 2); ` +
      `identical answers ${same}/${sz.cases}`,
  ];
}

async function benchJourney(dir: string, sz: ReturnType<typeof SIZES>): Promise<string[]> {
  installQuietRuntime('ERROR');
  const t0 = performance.now();
  const prevHome = process.env.TAILOR_HOME;
  const home = path.join(dir, 'home');
  process.env.TAILOR_HOME = home;
  const server = await startDevServer({
    dbFile: path.join(dir, 'temporal.db'),
    logFile: path.join(dir, 'temporal.log'),
    startTimeoutMs: 60_000,
  });
  const connection = await Connection.connect({ address: server.address });
  const native = await NativeConnection.connect({ address: server.address });
  const taskQueue = `bench-llm-${Date.now().toString(36)}`;
  const trainerQueue = `${taskQueue}-trainer`;
  const stops: (() => Promise<void>)[] = [];
  const worker = await createTailorWorker({ connection: native, taskQueue, workflowBundle: await bundleWorkflows() });
  const running = worker.run();
  try {
    const trainerArgs = ['--address', server.address, '--task-queue', trainerQueue];
    const [chat, trainer] = await Promise.all([
      startChatServer(sz.threads),
      startModule('tailor_trainer.worker', trainerArgs, /polling task queue/, sz.threads),
    ]);
    stops.push(chat.stop, trainer.stop);
    // Inside TAILOR_HOME: the worker reads datasets only under its allowed roots.
    fs.mkdirSync(home, { recursive: true });
    const data = path.join(home, 'journey.jsonl');
    fs.writeFileSync(data, ticketRows(sz.journey, 100).join('\n') + '\n');
    const specFile = path.join(home, 'journey.yaml');
    fs.writeFileSync(
      specFile,
      stringify({
        name: 'bench-llm-journey',
        baseModel: MODEL,
        provider: {
          type: 'self-hosted',
          taskQueue: trainerQueue,
          peft: { lora: { rank: 16, dropout: 0.05, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] } },
          servingBaseUrl: chat.url,
          registerAdapters: true,
          // The example's recipe (examples/support-tickets-llm): the trainer's default rate barely moves in one epoch.
          training: { learningRate: 1e-3 },
        },
        dataset: { path: data, format: 'chat', split: { validation: 0.1, test: 0.3, seed: 'bench-llm' } },
        baselines: { zeroShot: true },
        fineTune: { method: { type: 'supervised', hyperparameters: { batch_size: 8, n_epochs: 1 } } },
        evaluation: { metric: 'exact_match', concurrency: 4 },
        gate: { minImprovement: 0 },
        deploy: { alias: 'prod', approval: 'auto', smoke: { examples: 2, tolerance: 1 } },
      }),
    );
    const ready = performance.now();
    const client = new Client({ connection });
    const { handle } = await startPipeline(client, loadSpec(specFile), { taskQueue });
    const result = await handle.result();
    const runSecs = (performance.now() - ready) / 1000;
    const took = (st: (typeof result.steps)[number]) =>
      st.startedAt && st.endedAt ? s((st.endedAt - st.startedAt) / 1000) : st.status;
    const steps = result.steps.map((st) => `${st.name} ${took(st)}`);
    const scores = result.leaderboard.map((v) => `${v.variantId} ${v.score.toFixed(2)} (${v.correct}/${v.n})`);
    const c = result.prepared.counts;
    return [
      `(c) journey: customizationPipeline on ${sz.journey} tickets (${c.train} train / ${c.test} test), ` +
        `self-hosted ${MODEL}: ` +
        `prepare, validate, zero-shot baseline, LoRA training (r16, lr 1e-3, one epoch), evaluation, gate, ` +
        `deploy (adapter registered with the chat server), smoke test`,
      `    wall time: ${s(runSecs)} for the run (start to result); ${s((ready - t0) / 1000)} before it to start ` +
        `the dev server, worker, trainer worker and chat server`,
      `    steps: ${steps.join(', ')}`,
      `    scores (exact match on the test split): ${scores.join(', ')}; deploy ${result.deploy.outcome}`,
      `    anchor: none measured (no other tool runs this journey); the figure is the time a user waits`,
    ];
  } finally {
    worker.shutdown();
    await running.catch(() => undefined);
    for (const stop of stops) await stop();
    await native.close();
    await connection.close();
    await server.close();
    if (prevHome === undefined) delete process.env.TAILOR_HOME;
    else process.env.TAILOR_HOME = prevHome;
  }
}

export async function benchLlm(): Promise<{ name: string; lines: string[] }> {
  const sz = SIZES();
  const modelDir = modelFolder();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-llm-'));
  const sizes = `--train=${sz.train} --cases=${sz.cases} --journey=${sz.journey} --threads=${sz.threads}`;
  const lines: string[] = [`model ${MODEL} (${path.relative(ROOT, modelDir)}); sizes: ${sizes}`];
  try {
    const t0 = performance.now();
    let failed = 0;
    // Each part on its own: one that fails says why and the others still report.
    const part = async (label: string, size: number, run: () => Promise<string[]>) => {
      if (size === 0) return;
      try {
        lines.push(...(await run()));
      } catch (err) {
        failed++;
        const cause = err instanceof WorkflowFailedError ? (err.cause ?? err) : err;
        lines.push(`${label} FAILED: ${rootCause(cause) ?? String(err)}`);
      }
    };
    await part('(a) training', sz.train, () => benchTraining(dir, modelDir, sz));
    await part('(b) evaluation', sz.cases, () => benchEvaluation(dir, modelDir, sz));
    await part('(c) journey', sz.journey, () => benchJourney(dir, sz));
    lines.push(`whole bench: ${s((performance.now() - t0) / 1000)}`);
    if (failed) throw new Error(`${failed} part(s) failed:\n  ${lines.join('\n  ')}`);
    return { name: 'llm', lines };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Directly: `node bin/run-ts.js bench/llm.ts [--train=N ...]`.
if (require.main === module || process.argv[1]?.endsWith('llm.ts')) {
  benchLlm().then(
    (r) => console.log([`== ${r.name} ==`, ...r.lines.map((l) => `  ${l}`)].join('\n')),
    (err: unknown) => {
      console.error(`llm bench failed: ${(err as Error).message}`);
      process.exitCode = 1;
    },
  );
}
