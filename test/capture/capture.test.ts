/**
 * Capture through the gateway in front of the real local backend over HTTP: opt-in per alias, sampling by response
 * ID, PII scrubbed in the stored row, size caps, retention purge, the queue off the response path, feedback naming
 * a response ID, and nothing written for failed or abandoned requests.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { inSample } from '../../core/capture/captureRow';
import { CaptureStore } from '../../stores/capture/captureStore';
import { CaptureWriter } from '../../stores/capture/captureWriter';
import { ask, moveAlias, register, startHarness, type Harness } from '../gateway/support/gatewayHarness';
import { startTestBackend, type TestBackend } from '../localBackend/support/backend';

let h: Harness;
let dir: string;
let store: CaptureStore;
let writer: CaptureWriter;
let hanging: TestBackend;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-capture-'));
  hanging = await startTestBackend({ faults: 'chat=hang' });
  store = new CaptureStore(path.join(dir, 'capture.db'));
  // A batch waits a minute unless flushed: what is in the table is only what the test flushed.
  writer = new CaptureWriter(store, { batchMs: 60_000, maxBatch: 100_000 });
  h = await startHarness(
    {
      providers: {
        'openai-compatible': { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' },
        'self-hosted': { type: 'self-hosted', servingBaseUrl: hanging.server.baseURL },
      },
      aliases: {
        'tickets@captured': { capture: { retentionDays: 30 } },
        'tickets@half': { capture: { sampleRate: 0.5 } },
        'tickets@small': { capture: { maxRequestBytes: 400, maxResponseBytes: 300 } },
        'tickets@down': { capture: {} },
        'tickets@hangs': { capture: {} },
      },
    },
    { capture: writer },
  );
  await register(h.registry, 'gpt-4o-mini');
  await register(h.registry, 'ft:down', 'openai-compatible');
  for (const alias of ['prod', 'captured', 'half', 'small']) await moveAlias(h.registry, alias, 'gpt-4o-mini');
  await register(h.registry, 'gpt-4o', 'self-hosted');
  await moveAlias(h.registry, 'down', 'ft:down');
  await moveAlias(h.registry, 'hangs', 'gpt-4o');
}, 30_000);
afterAll(async () => {
  await h.close();
  await hanging.close();
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  writer.flush();
  store.db.exec('DELETE FROM captures');
});

const rows = () => {
  writer.flush();
  return store.list();
};

test('only aliases with a capture policy are stored, with response ID, model, latency, tokens and cost', async () => {
  const answers = [];
  for (let i = 0; i < 3; i++) answers.push(await h.client.chat.completions.create(ask('tickets@captured')));
  await h.client.chat.completions.create(ask('tickets@prod'));
  await h.client.chat.completions.create(ask('gpt-4o-mini'));
  // Queued, not yet written: the response never waited on the store.
  expect(store.count()).toBe(0);
  const stored = rows();
  expect(stored.map((r) => r.responseId).sort()).toEqual(answers.map((a) => a.id).sort());
  for (const r of stored) {
    expect(r).toMatchObject({ alias: 'tickets@captured', requestedModel: 'tickets@captured', model: 'gpt-4o-mini' });
    expect(r.answer).toBe('refund_request');
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(r.promptTokens).toBeGreaterThan(0);
    expect(r.completionTokens).toBeGreaterThan(0);
    // gpt-4o-mini at list price: $0.15 in, $0.60 out per 1M tokens.
    expect(r.costUsd).toBeCloseTo((r.promptTokens! * 0.15 + r.completionTokens! * 0.6) / 1e6, 12);
    expect(r.expiresAt - r.at).toBe(30 * 86_400_000);
  }
});

test('a stream is captured whole: the answer joined from its chunks, the ID of its first chunk', async () => {
  const stream = await h.client.chat.completions.create({
    ...ask('tickets@captured'),
    stream: true,
    stream_options: { include_usage: true },
  });
  let id = '';
  for await (const chunk of stream) id ||= chunk.id;
  const [row] = rows();
  expect(row).toMatchObject({ responseId: id, stream: true, answer: 'refund_request' });
  expect(row!.promptTokens).toBeGreaterThan(0);
});

test('a stream without usage is counted with the tokenizer, close to what the provider reports', async () => {
  const billed = await h.client.chat.completions.create(ask('tickets@captured'));
  const stream = await h.client.chat.completions.create({ ...ask('tickets@captured'), stream: true });
  let id = '';
  for await (const chunk of stream) id ||= chunk.id;
  const row = rows().find((r) => r.responseId === id)!;
  expect(Math.abs(row.promptTokens! - billed.usage!.prompt_tokens)).toBeLessThanOrEqual(3);
  expect(row.completionTokens).toBe(billed.usage!.completion_tokens);
  expect(row.costUsd).toBeGreaterThan(0);
});

test('sampleRate 0.5 keeps about half, exactly the responses whose ID hashes into the sample', async () => {
  const ids: string[] = [];
  for (let batch = 0; batch < 15; batch++) {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => h.client.chat.completions.create(ask('tickets@half'))),
    );
    ids.push(...answers.map((a) => a.id));
  }
  const stored = rows().map((r) => r.responseId);
  // Binomial(300, 0.5): sd 8.7, so ±45 is over five sd.
  expect(stored.length).toBeGreaterThan(105);
  expect(stored.length).toBeLessThan(195);
  expect(stored.sort()).toEqual(ids.filter((id) => inSample(id, 0.5)).sort());
});

test('personal data and secrets are scrubbed before the row is written', async () => {
  // A made-up key, assembled at run time so the source holds nothing that looks like a real one.
  const fakeKey = ['sk', 'abcdefghijklmnopqrstuvwx12'].join('-');
  const text = `Refund please: mail jane.doe@example.com or call +1 415-555-0134, key ${fakeKey}`;
  await h.client.chat.completions.create(ask('tickets@captured', text));
  const [row] = rows();
  expect(row!.requestJson).toContain('[EMAIL]');
  expect(row!.requestJson).not.toContain('jane.doe@example.com');
  expect(row!.requestJson).not.toContain('555-0134');
  expect(row!.requestJson).not.toContain(fakeKey);
  const raw = fs.readFileSync(store.file).toString('latin1') + readWal();
  expect(raw).not.toContain('jane.doe@example.com');
});

const readWal = () => {
  const wal = `${store.file}-wal`;
  return fs.existsSync(wal) ? fs.readFileSync(wal).toString('latin1') : '';
};

test('a body over its cap is left out whole; the row keeps its metadata', async () => {
  await h.client.chat.completions.create(ask('tickets@small', 'short'));
  await h.client.chat.completions.create(ask('tickets@small', `refund ${'x'.repeat(600)}`));
  const [small, large] = rows().sort((a, b) => (a.requestJson?.length ?? 1e9) - (b.requestJson?.length ?? 1e9));
  expect(small!.requestJson).toContain('short');
  expect(large!.requestJson).toBeNull();
  expect(large!.promptTokens).toBeGreaterThan(small!.promptTokens!);
  // The completion JSON (id, usage, choices…) is over 300 bytes: the answer is dropped with it.
  expect(small!.responseJson).toBeNull();
  expect(small!.answer).toBeNull();
});

test('a provider failure stores nothing', async () => {
  await expect(h.client.chat.completions.create(ask('tickets@down'))).rejects.toBeInstanceOf(OpenAI.APIError);
  expect(rows()).toEqual([]);
});

test('a client that disconnects mid-stream leaves nothing in the store', async () => {
  const before = h.exchanges.length;
  const req = http.request(`${h.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  });
  req.on('error', () => undefined);
  req.end(JSON.stringify({ ...ask('tickets@hangs'), stream: true }));
  // The provider (fault `chat=hang`) never answers; the client gives up once its request is sent.
  await new Promise((r) => req.once('finish', r));
  req.destroy();
  // The exchange is reported (and the capture decision made) once the gateway has seen the client go.
  while (!h.exchanges.slice(before).some((x) => x.alias === 'tickets@hangs')) {
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(h.exchanges.slice(before).find((x) => x.alias === 'tickets@hangs')).toMatchObject({ error: 'client_closed' });
  expect(rows()).toEqual([]);
});

test('POST /v1/feedback attaches a rating to a captured response ID; bad input is an OpenAI-shaped error', async () => {
  const answer = await h.client.chat.completions.create(ask('tickets@captured'));
  const post = (body: unknown) =>
    fetch(`${h.gateway.url}/v1/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  // Sent before the answer's batch was written: the gateway writes it first.
  const ok = await post({ responseId: answer.id, rating: 'down', correctedAnswer: 'bug_report', who: 'qa' });
  expect(ok.status).toBe(200);
  expect(await ok.json()).toEqual({ responseId: answer.id, stored: true });
  const [row] = store.list();
  expect(row!.feedback).toMatchObject({ rating: 'down', correctedAnswer: 'bug_report', who: 'qa' });

  const unknown = await post({ responseId: 'chatcmpl-nope', rating: 5 });
  expect(unknown.status).toBe(404);
  expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain("'chatcmpl-nope'");
  const bad = await post({ responseId: answer.id, rating: 9 });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('rating');
});

test('rows past their retention are purged with their ratings', async () => {
  const answer = await h.client.chat.completions.create(ask('tickets@captured'));
  rows();
  store.rate({ responseId: answer.id, rating: 5 });
  expect(store.purge(Date.now() + 29 * 86_400_000)).toBe(0);
  expect(store.purge(Date.now() + 31 * 86_400_000)).toBe(1);
  expect(store.list()).toEqual([]);
  expect(store.db.prepare('SELECT COUNT(*) AS n FROM capture_feedback').get()).toEqual({ n: 0 });
});
