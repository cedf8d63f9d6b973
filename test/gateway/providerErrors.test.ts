/**
 * A provider's own errors reach the client unchanged through the gateway: status, OpenAI's error body and the
 * headers that say when to retry; the gateway names the model it tried in x-tailor-model and carries on.
 */
import OpenAI from 'openai';
import { startTestBackend } from '../localBackend/support/backend';
import { ask, moveAlias, register, startHarness, type Harness } from './support/gatewayHarness';

let h: Harness;
beforeAll(async () => {
  const backend = await startTestBackend({ faults: 'chat=429:700#1, chat=500#1, embeddings=quota#1' });
  h = await startHarness({}, {}, backend);
  await register(h.registry, 'gpt-4o-mini');
  await moveAlias(h.registry, 'prod', 'gpt-4o-mini');
}, 30_000);
afterAll(async () => {
  await h.close();
  await h.backend.close();
});

test('429 with retry-after, 500, and a quota error pass through in OpenAI shape; then the answer', async () => {
  const limited = await h.client.chat.completions.create(ask('tickets@prod')).catch((e: unknown) => e);
  expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
  const e429 = limited as InstanceType<typeof OpenAI.RateLimitError>;
  expect(e429.headers.get('retry-after-ms')).toBe('700');
  expect(e429.headers.get('x-tailor-model')).toBe('gpt-4o-mini');
  expect(e429.error).toMatchObject({ type: expect.any(String), message: expect.any(String) });

  const failed = await h.client.chat.completions.create(ask('tickets@prod')).catch((e: unknown) => e);
  expect(failed).toBeInstanceOf(OpenAI.InternalServerError);

  const quota = await h.client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }).catch((e) => e);
  expect(quota).toBeInstanceOf(OpenAI.RateLimitError);
  expect((quota as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('insufficient_quota');

  const ok = await h.client.chat.completions.create(ask('tickets@prod'));
  expect(ok.choices[0]!.message.content).toBe('refund_request');
});
