import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalOpenAI, type LocalOpenAIServer } from '../../providers/local/server';
import { runCli } from '../support/runCli';
import { testTemporalAddress, uniqueTaskQueue } from '../support/temporal';
import { embeddingInputs } from './support';

const SUITE = path.join(__dirname, '..', '..', 'examples', 'rag-qa', 'suite.yaml');

interface VariantOut {
  variantId: string;
  metrics: Record<string, number>;
}

/**
 * The RAG stage measured like every other: on examples/rag-qa, `tailor eval` builds the index from the documents
 * (a durable child workflow), retrieves for every question, and scores zero-shot, few-shot and RAG variants of the
 * base model on the same cases. The local backend's base model is a small CPU learner that reads RAG prompts
 * extractively, not an LLM: the facts asked for exist only in the documents.
 */
describe('RAG variant in an eval suite', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let backend: LocalOpenAIServer;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-rageval-'));
    // One backend for both runs, so the second can be served from the result cache (its key names the endpoint).
    backend = await startLocalOpenAI({ port: 0, dataDir: path.join(dir, 'local-openai') });
    env = {
      TEMPORAL_ADDRESS: testTemporalAddress(),
      TAILOR_TASK_QUEUE: uniqueTaskQueue('rageval'),
      TAILOR_HOME: path.join(dir, 'home'),
      OPENAI_BASE_URL: backend.baseURL,
      OPENAI_API_KEY: 'test',
    };
  });
  afterAll(async () => {
    await backend?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('beats zero-shot and few-shot on answer correctness, and the leaderboard shows recall@k', async () => {
    const r = await runCli(['eval', SUITE, '--model', 'gpt-4o-mini-2024-07-18'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/variant +model +correct +95% CI +pass_rate +recall_at_3 +mrr +faithfulness/);
    expect(r.stdout).toContain('gate PASSED for rag');

    const before = await embeddingInputs(backend.baseURL);
    const json = await runCli(['eval', SUITE, '--model', 'gpt-4o-mini-2024-07-18', '--json'], env);
    const out = JSON.parse(json.stdout.trim().split('\n').at(-1)!) as {
      variants: VariantOut[];
      providerCalls: number;
      cacheHits: number;
    };
    const m = (id: string) => out.variants.find((v) => v.variantId === id)!.metrics;
    expect(m('rag').correct).toBeGreaterThan(m('zero-shot').correct!);
    expect(m('rag').correct).toBeGreaterThan(m('few-shot').correct!);
    expect(m('rag').correct).toBeGreaterThanOrEqual(0.8);
    expect(m('rag').recall_at_3).toBeGreaterThanOrEqual(0.9);
    expect(m('zero-shot').recall_at_3).toBe(0);
    // The second run refreshed the index without embedding a chunk (only the 26 questions were embedded, to
    // retrieve), and the same manifest means the same prompt version: every answer came from the result cache.
    expect((await embeddingInputs(backend.baseURL)) - before).toBe(26);
    expect(out.providerCalls).toBe(0);
    expect(out.cacheHits).toBe(78);
  });
});
