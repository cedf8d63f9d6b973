import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import { answerQuestion } from '../../activities/rag/answerQuestion';
import { OpenIndex } from '../../activities/rag/openIndex';
import { loadEvalSuite } from '../../config/evalSuiteSpec';
import { startLocalOpenAI, type LocalOpenAIServer } from '../../providers/local/server';
import { s3ClientConfig } from '../../stores/artifacts/s3ArtifactStore';
import { completionCache, KeyedCache, openResultCache } from '../../stores/cache/keyedCache';
import { S3KeyedCache } from '../../stores/cache/s3KeyedCache';
import { closeProcessStores } from '../../stores/processStores';
import { createTailorWorker } from '../../workers/createWorker';
import { evalSuiteWorkflow } from '../../workflows/evalSuiteWorkflow';
import { embeddingInputs } from '../rag/support';
import { CHAT_PATH, startCountingProxy, type CountingProxy } from '../support/countingProxy';
import { connectTestClient, connectTestWorker, sharedBundle, uniqueTaskQueue } from '../support/temporal';
import { freePort } from './support/freePort';
import { startMoto, type MotoServer } from './support/motoServer';

const SUITE = path.join(__dirname, '..', '..', 'examples', 'rag-qa', 'suite.yaml');
const QUESTIONS = path.join(__dirname, '..', '..', 'examples', 'rag-qa', 'questions.jsonl');
const BASE = 'gpt-4o-mini-2024-07-18';
const BUCKET = 'tailor-cache-index';
const PREFIX = 'team/artifacts';

// Two (then three) "hosts" in one process: each has its own empty TAILOR_HOME and its own worker; what one host
// stored is found by the next only through the bucket on a real moto server (authentication on). The provider is
// the local backend over loopback HTTP behind a counting proxy, which is the bill.
let moto: MotoServer;
let backend: LocalOpenAIServer;
let proxy: CountingProxy;
let tmp: string;
let client: Client;
let connection: Connection;
let nativeConnection: NativeConnection;
/** The index's name in the suite: a directory path, the same string on every host. */
let indexDir: string;
const saved: NodeJS.ProcessEnv = {};
const VARS = [
  'TAILOR_HOME',
  'TAILOR_ARTIFACTS',
  'TAILOR_CACHE_DIR',
  'AWS_ENDPOINT_URL',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'OPENAI_BASE_URL',
  'OPENAI_API_KEY',
] as const;

beforeAll(async () => {
  for (const k of VARS) saved[k] = process.env[k];
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-s3-cache-index-'));
  indexDir = path.join(tmp, 'shared-name', 'indexes', 'rag-qa');
  moto = await startMoto();
  backend = await startLocalOpenAI({ port: 0, dataDir: path.join(tmp, 'local-openai') });
  proxy = await startCountingProxy(backend.baseURL);
  delete process.env.TAILOR_CACHE_DIR;
  Object.assign(process.env, {
    TAILOR_ARTIFACTS: `s3://${BUCKET}/${PREFIX}`,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: moto.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.secretAccessKey,
    OPENAI_BASE_URL: proxy.baseURL,
    OPENAI_API_KEY: 'test-key-not-secret',
  });
  await s3().send(new CreateBucketCommand({ Bucket: BUCKET }));
  ({ client, connection } = await connectTestClient());
  nativeConnection = await connectTestWorker();
}, 120_000);

afterAll(async () => {
  await closeProcessStores();
  await nativeConnection?.close();
  await connection?.close();
  await proxy?.close();
  await backend?.close();
  await moto?.stop();
  for (const k of VARS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

function s3(): S3Client {
  return new S3Client(s3ClientConfig(process.env));
}

/** Makes `name` the current host: a new empty TAILOR_HOME, fresh store clients. */
async function becomeHost(name: string): Promise<string> {
  const home = path.join(tmp, name);
  fs.mkdirSync(home);
  process.env.TAILOR_HOME = home;
  await closeProcessStores();
  return home;
}

/** Runs `fn` with a real worker of host `name` polling its own task queue; the host's disk is gone afterwards. */
async function onHost<T>(name: string, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const home = await becomeHost(name);
  const taskQueue = uniqueTaskQueue(`s3-${name}`);
  const worker = await createTailorWorker({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: await sharedBundle(),
  });
  const running = worker.run();
  try {
    return await fn(taskQueue);
  } finally {
    worker.shutdown();
    await running;
    await closeProcessStores();
    // The host is gone with its disk: its TAILOR_HOME and the index directory it built.
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(indexDir, { recursive: true, force: true });
  }
}

const chatCalls = () => proxy.delivered.filter((c) => c.path === CHAT_PATH).length;

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('the evaluation cache and RAG indexes with TAILOR_ARTIFACTS on S3', () => {
  it('an eval run on host A is paid once: host B, with an empty disk, answers every case from the bucket', async () => {
    const loaded = loadEvalSuite(SUITE, { models: [BASE] });
    const suite = {
      ...loaded,
      // Zero-shot and RAG: the cache for plain answers, and an index built on A that B must read.
      variants: loaded.variants
        .filter((v) => v.id !== 'few-shot')
        .map((v) => (v.rag ? { ...v, rag: { ...v.rag, index: indexDir } } : v)),
    };
    const run = (taskQueue: string, id: string) =>
      client.workflow.execute(evalSuiteWorkflow, {
        taskQueue,
        workflowId: `s3-cache-${id}-${Date.now()}`,
        args: [{ suite }],
      });

    const chatA = chatCalls();
    const a = await onHost('host-a', (q) => run(q, 'a'));
    expect(a.providerCalls).toBe(52);
    expect(chatCalls() - chatA).toBe(52);
    // The entries are objects in the bucket, counted there.
    await becomeHost('counter');
    expect(await completionCache().count()).toBe(52);
    expect(completionCache()).toBeInstanceOf(S3KeyedCache);

    const chatB = chatCalls();
    const embeddedB = await embeddingInputs(backend.baseURL);
    const b = await onHost('host-b', (q) => run(q, 'b'));
    // No answer paid twice: the provider saw no chat request from host B.
    expect(chatCalls() - chatB).toBe(0);
    expect(b.providerCalls).toBe(0);
    expect(b.cacheHits).toBe(52);
    expect(b.leaderboard.map((s) => [s.variantId, s.score])).toEqual(a.leaderboard.map((s) => [s.variantId, s.score]));
    // B refreshed the index from A's published build: only the 26 questions were embedded (to retrieve), no chunk.
    expect((await embeddingInputs(backend.baseURL)) - embeddedB).toBe(26);
    const rag = (r: typeof a) => r.leaderboard.find((s) => s.variantId === 'rag')!;
    expect(rag(b).promptVersion).toBe(rag(a).promptVersion); // the same manifest, byte for byte
    expect(rag(b).score).toBeGreaterThanOrEqual(0.8);
  });

  it('a suite naming only the index (no docs) loads and runs on a host that never built it', async () => {
    // The example suite beside its files, with the RAG variant reading the index by name instead of building it.
    const dir = path.join(tmp, 'suite-index-only');
    fs.cpSync(path.dirname(SUITE), dir, { recursive: true, filter: (f) => !f.endsWith(`${path.sep}docs`) });
    const yaml = fs.readFileSync(path.join(dir, 'suite.yaml'), 'utf8');
    expect(yaml).toContain('      docs: docs\n');
    fs.writeFileSync(path.join(dir, 'suite.yaml'), yaml.replace('      docs: docs\n', `      index: ${indexDir}\n`));
    expect(fs.existsSync(indexDir)).toBe(false);
    const chat = chatCalls();
    const embedded = await embeddingInputs(backend.baseURL);
    const r = await onHost('host-d', (taskQueue) => {
      const loaded = loadEvalSuite(path.join(dir, 'suite.yaml'), { models: [BASE] });
      expect(loaded.variants.find((v) => v.id === 'rag')!.rag).not.toHaveProperty('docs');
      const suite = { ...loaded, variants: loaded.variants.filter((v) => v.id !== 'few-shot') };
      return client.workflow.execute(evalSuiteWorkflow, {
        taskQueue,
        workflowId: `s3-cache-d-${Date.now()}`,
        args: [{ suite }],
      });
    });
    expect(chatCalls() - chat).toBe(0);
    expect(r.cacheHits).toBe(52);
    expect((await embeddingInputs(backend.baseURL)) - embedded).toBe(26); // the questions, to retrieve
    expect(r.leaderboard.find((s) => s.variantId === 'rag')!.score).toBeGreaterThanOrEqual(0.8);
  });

  it('a RAG index built on one host answers on another whose disk holds nothing of it', async () => {
    const home = await becomeHost('host-c');
    expect(fs.existsSync(indexDir)).toBe(false);
    const index = await OpenIndex.open(indexDir);
    try {
      const [q1] = fs
        .readFileSync(QUESTIONS, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { vars: { question: string; relevant: string[] }; expected: string });
      const chat = chatCalls();
      const out = await answerQuestion(index, q1!.vars.question, { model: BASE, k: 3 });
      expect(chatCalls() - chat).toBe(1);
      expect(out.cited.map((c) => c.source)).toContain(q1!.vars.relevant[0]);
      expect(out.answer.toLowerCase()).toContain(q1!.expected.toLowerCase());
      expect(index.manifest.chunks.length).toBeGreaterThan(0);
    } finally {
      await index.close();
    }
    // Read from this host's copy of the published snapshot; the index's own directory was never recreated.
    expect(fs.existsSync(indexDir)).toBe(false);
    expect(fs.readdirSync(path.join(home, 'cache', 'indexes'))).toHaveLength(1);
    // An index never built anywhere is named as such, as on a single host.
    const never = path.join(tmp, 'never-built');
    await expect(OpenIndex.open(never)).rejects.toThrow(`${never} is not a Tailor index (no manifest.json`);
  });

  it('reads back what another host wrote; a missing entry is undefined, an unreadable one is recomputed', async () => {
    const key = 'ab'.repeat(32);
    await becomeHost('writer');
    await openResultCache('test/entries').put(key, { answer: 42 });
    await becomeHost('reader');
    const reader = openResultCache('test/entries');
    expect(await reader.get(key)).toEqual({ answer: 42 });
    expect(await reader.get('cd'.repeat(32))).toBeUndefined();
    // A damaged object (not JSON) reads as absent, so the caller pays once more and overwrites it.
    const broken = 'ef'.repeat(32);
    await s3().send(
      new PutObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/cache/test/entries/${broken}.json`, Body: '{"answ' }),
    );
    expect(await reader.get(broken)).toBeUndefined();
    await reader.put(broken, { answer: 7 });
    await becomeHost('reader-2');
    expect(await openResultCache('test/entries').get(broken)).toEqual({ answer: 7 });
    // With TAILOR_ARTIFACTS unset the cache is the disk one, as always.
    expect(openResultCache('test/entries', { ...process.env, TAILOR_ARTIFACTS: '' })).toBeInstanceOf(KeyedCache);
  });

  it('a wrong secret or an unreachable store fails, classified, naming the bucket and never the secret', async () => {
    const secret = 'wrong-secret-0123456789';
    const good = process.env.AWS_SECRET_ACCESS_KEY;
    const endpoint = process.env.AWS_ENDPOINT_URL;
    try {
      process.env.AWS_SECRET_ACCESS_KEY = secret;
      await becomeHost('bad-credentials');
      const cacheErr = await failureOf(completionCache().get('ab'.repeat(32)));
      expect(cacheErr.type).toBe('ArtifactStoreAccessDenied');
      expect(cacheErr.nonRetryable).toBe(true);
      expect(cacheErr.message).toContain(`s3://${BUCKET}/${PREFIX}`);
      expect(cacheErr.message).toContain('cache/eval/completions/');
      expect(cacheErr.message).toContain('check the AWS credentials');
      expect(cacheErr.message).not.toContain(secret);
      const indexErr = await failureOf(OpenIndex.open(indexDir));
      expect(indexErr.type).toBe('ArtifactStoreAccessDenied');
      expect(indexErr.message).toContain(`s3://${BUCKET}/${PREFIX}`);
      expect(indexErr.message).not.toContain(secret);

      process.env.AWS_SECRET_ACCESS_KEY = good;
      process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${await freePort()}`;
      await becomeHost('unreachable');
      const down = await failureOf(completionCache().put('ab'.repeat(32), { answer: 1 }));
      expect(down.type).toBe('ArtifactStoreUnavailable');
      expect(down.nonRetryable).toBe(false);
      expect(down.message).toContain(`s3://${BUCKET}/${PREFIX}`);
    } finally {
      process.env.AWS_SECRET_ACCESS_KEY = good;
      process.env.AWS_ENDPOINT_URL = endpoint;
      await closeProcessStores();
    }
  });
});
