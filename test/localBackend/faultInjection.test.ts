/**
 * Fault injection through `--faults` (the `faults` option) and the admin endpoint: every kind is
 * reproduced and the SDK raises the matching error class; draws are deterministic under a seed.
 */
import OpenAI from 'openai';
import { startTestBackend, testClient, waitForJob, type TestBackend } from './support/backend';
import { chatLine, jsonlFile, tickets } from './support/tickets';

let b: TestBackend;
beforeAll(async () => {
  b = await startTestBackend();
});
afterAll(async () => {
  await b.close();
});
afterEach(async () => {
  await b.client.delete('/_admin/faults');
});

const setFaults = (spec: string) => b.client.post('/_admin/faults', { body: { spec } });
const hello = (client: OpenAI = b.client, options?: OpenAI.RequestOptions) =>
  client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }, options);

test('429 → RateLimitError with retry-after and retry-after-ms', async () => {
  await setFaults('chat=429:250');
  const err = (await hello().catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
  expect(err).toBeInstanceOf(OpenAI.RateLimitError);
  expect(err.code).toBe('rate_limit_exceeded');
  expect(err.headers?.get('retry-after-ms')).toBe('250');
  expect(err.headers?.get('retry-after')).toBe('1');
  expect(err.requestID).toMatch(/^req_/);
});

test('500 and 503 → InternalServerError; other routes are unaffected', async () => {
  await setFaults('chat=500');
  const e500 = (await hello().catch((e: unknown) => e)) as InstanceType<typeof OpenAI.InternalServerError>;
  expect(e500).toBeInstanceOf(OpenAI.InternalServerError);
  expect(e500.status).toBe(500);
  await expect(b.client.models.list()).resolves.toBeDefined();
  await setFaults('*=503');
  const e503 = (await b.client.models.list().catch((e: unknown) => e)) as InstanceType<
    typeof OpenAI.InternalServerError
  >;
  expect(e503).toBeInstanceOf(OpenAI.InternalServerError);
  expect(e503.status).toBe(503);
});

test('#COUNT limits a rule: the SDK retry then succeeds', async () => {
  await setFaults('chat=500#2');
  const retrying = testClient(b.server.baseURL, 2);
  const c = await hello(retrying, { maxRetries: 2 });
  expect(c.choices).toHaveLength(1);
  const state = (await b.client.get('/_admin/faults')) as { rules: { fired: number; remaining: number }[] };
  expect(state.rules[0]).toMatchObject({ fired: 2, remaining: 0 });
});

test('quota → RateLimitError that is not retried (x-should-retry: false)', async () => {
  await setFaults('chat=quota');
  const retrying = testClient(b.server.baseURL, 3);
  const err = (await hello(retrying).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
  expect(err).toBeInstanceOf(OpenAI.RateLimitError);
  expect(err.code).toBe('insufficient_quota');
  // Asked once: a client allowed three retries made no second request.
  const state = (await b.client.get('/_admin/faults')) as { rules: { fired: number }[] };
  expect(state.rules[0]!.fired).toBe(1);
});

test('403 training_not_available on job creation → PermissionDeniedError', async () => {
  const file = await b.client.files.create({ file: await jsonlFile(tickets(12).map(chatLine)), purpose: 'fine-tune' });
  await setFaults('jobs.create=training_not_available');
  const err = (await b.client.fineTuning.jobs
    .create({ model: 'gpt-4o-mini', training_file: file.id })
    .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.PermissionDeniedError>;
  expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
  expect(err.status).toBe(403);
  expect(err.code).toBe('training_not_available');
  expect(err.message).toMatch(/winding down/);
  // Inference keeps working, as with OpenAI.
  await expect(hello()).resolves.toBeDefined();
});

test('slow answers late; hang never answers → APIConnectionTimeoutError', async () => {
  await setFaults('chat=slow:300');
  const started = Date.now();
  await hello();
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  await expect(hello(b.client, { timeout: 100 })).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  await setFaults('chat=hang');
  await expect(hello(b.client, { timeout: 200 })).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
});

test('drop closes the connection → APIConnectionError', async () => {
  await setFaults('chat=drop');
  const err = await hello().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
  expect(err).not.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
});

test('drop_after commits the job but loses the response (a retry would duplicate it)', async () => {
  const file = await b.client.files.create({ file: await jsonlFile(tickets(12).map(chatLine)), purpose: 'fine-tune' });
  await setFaults('jobs.create=drop_after#1');
  const err = await b.client.fineTuning.jobs
    .create({ model: 'gpt-4o-mini', training_file: file.id, metadata: { run_id: 'lost-response' } })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.APIConnectionError);
  const found = await b.client.fineTuning.jobs.list({ metadata: { run_id: 'lost-response' } });
  expect(found.data).toHaveLength(1);
  await waitForJob(b.client, found.data[0]!.id);
});

test('rates are deterministic under a seed', async () => {
  const pattern = async () => {
    await setFaults('seed=42,chat=500@0.5');
    const out: boolean[] = [];
    for (let i = 0; i < 24; i++)
      out.push(
        await hello().then(
          () => true,
          () => false,
        ),
      );
    return out;
  };
  const first = await pattern();
  const second = await pattern();
  expect(second).toEqual(first);
  expect(first.filter(Boolean).length).toBeGreaterThan(4);
  expect(first.filter((x) => !x).length).toBeGreaterThan(4);
  await setFaults('seed=43,chat=500@0.5');
  const other: boolean[] = [];
  for (let i = 0; i < 24; i++)
    other.push(
      await hello().then(
        () => true,
        () => false,
      ),
    );
  expect(other).not.toEqual(first);
});

test('train.fail_after=N fails running jobs after N steps; train.slow=MS slows steps', async () => {
  const file = await b.client.files.create({ file: await jsonlFile(tickets(40).map(chatLine)), purpose: 'fine-tune' });
  await setFaults('train.fail_after=5');
  const job = await b.client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
  const failed = await waitForJob(b.client, job.id);
  expect(failed.status).toBe('failed');
  expect(failed.error?.code).toBe('internal_error');
  expect(failed.finished_at).toEqual(expect.any(Number));
  let steps = 0;
  for await (const e of b.client.fineTuning.jobs.listEvents(job.id, { limit: 100 })) if (e.type === 'metrics') steps++;
  expect(steps).toBe(5);

  await setFaults('train.slow=40');
  const slow = await b.client.fineTuning.jobs.create({
    model: 'gpt-4o-mini',
    training_file: file.id,
    method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 1, batch_size: 4 } } },
  });
  const started = Date.now();
  const done = await waitForJob(b.client, slow.id);
  expect(done.status).toBe('succeeded');
  // 10 steps plus the validating and queued phases, 40 ms each.
  expect(Date.now() - started).toBeGreaterThanOrEqual(10 * 40);
});

test('faults passed at start-up (the --faults option) apply from the first request', async () => {
  const faulty = await startTestBackend({ faults: 'embeddings=503', seed: 1 });
  try {
    await expect(
      faulty.client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }),
    ).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await expect(hello(faulty.client)).resolves.toBeDefined();
  } finally {
    await faulty.close();
  }
});

test('a bad spec is a 400 from the admin endpoint', async () => {
  await expect(setFaults('chat=teapot')).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  await expect(setFaults('nosuchroute=500')).rejects.toBeInstanceOf(OpenAI.BadRequestError);
});
