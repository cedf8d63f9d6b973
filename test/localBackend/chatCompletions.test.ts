/**
 * Chat completions from the prompt-only learners: zero-shot labels, few-shot turns, RAG passages,
 * usage, x-request-id, n, seed, max_completion_tokens, json_schema, streaming.
 */
import OpenAI from 'openai';
import { startTestBackend, type TestBackend } from './support/backend';
import { SYSTEM } from './support/tickets';

let b: TestBackend;
beforeAll(async () => {
  b = await startTestBackend();
});
afterAll(async () => {
  await b.close();
});

test('zero-shot picks a label from the system prompt; usage and x-request-id are always there', async () => {
  const { data, response, request_id } = await b.client.chat.completions
    .create({
      model: 'gpt-4o-mini',
      temperature: 0,
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: 'I want a refund for my order' },
      ],
    })
    .withResponse();
  const c: OpenAI.Chat.ChatCompletion = data;
  expect(c.object).toBe('chat.completion');
  expect(c.id).toMatch(/^chatcmpl-/);
  expect(c.choices[0]!.message.content).toBe('refund_request');
  expect(c.choices[0]!.finish_reason).toBe('stop');
  expect(c.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
  expect(c.usage!.total_tokens).toBe(c.usage!.prompt_tokens + c.usage!.completion_tokens);
  expect(request_id).toMatch(/^req_/);
  expect(response.headers.get('x-ratelimit-limit-requests')).toMatch(/^\d+$/);
  expect(response.headers.get('x-ratelimit-remaining-tokens')).toMatch(/^\d+$/);
});

test('bullet-list labels with descriptions are understood', async () => {
  const c = await b.client.chat.completions.create({
    model: 'gpt-4.1-mini-2025-04-14',
    temperature: 0,
    messages: [
      {
        role: 'system',
        content:
          'Route the message. Categories:\n- sales: buying, pricing, quotes\n- support: broken, error, ' +
          'crash\n- hr: vacation, salary, hiring',
      },
      { role: 'user', content: 'The app shows an error and then crashes' },
    ],
  });
  expect(c.choices[0]!.message.content).toBe('support');
});

test('few-shot: earlier turns are used as examples', async () => {
  const c = await b.client.chat.completions.create({
    model: 'gpt-4o-mini',
    temperature: 0,
    messages: [
      { role: 'system', content: 'Translate the colour name.' },
      { role: 'user', content: 'red apple' },
      { role: 'assistant', content: 'rouge' },
      { role: 'user', content: 'green grass' },
      { role: 'assistant', content: 'vert' },
      { role: 'user', content: 'green leaf' },
    ],
  });
  expect(c.choices[0]!.message.content).toBe('vert');
});

test('RAG: passages in the prompt answer questions about them', async () => {
  const context = [
    'The Ember kettle holds 1.2 litres of water.',
    'The Atlas backpack weighs 900 grams and has a lifetime warranty.',
    'Orders ship from the Rotterdam warehouse within two days.',
  ].join('\n');
  const c = await b.client.chat.completions.create({
    model: 'gpt-4o-mini',
    temperature: 0,
    messages: [
      { role: 'system', content: `Answer using only the context.\n\nContext:\n${context}` },
      { role: 'user', content: 'How much does the Atlas backpack weigh?' },
    ],
  });
  expect(c.choices[0]!.message.content).toBe('The Atlas backpack weighs 900 grams and has a lifetime warranty.');
  const inline = await b.client.chat.completions.create({
    model: 'gpt-4o-mini',
    temperature: 0,
    messages: [{ role: 'user', content: `Context:\n${context}\n\nQuestion: Where do orders ship from?` }],
  });
  expect(inline.choices[0]!.message.content).toBe('Orders ship from the Rotterdam warehouse within two days.');
});

test('n, seed, max_completion_tokens and stop', async () => {
  const req = {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system' as const, content: SYSTEM },
      { role: 'user' as const, content: 'my package' },
    ],
    n: 4,
    seed: 11,
    temperature: 1.5,
  };
  const a = await b.client.chat.completions.create(req);
  const again = await b.client.chat.completions.create(req);
  expect(a.choices).toHaveLength(4);
  expect(a.choices.map((c) => c.index)).toEqual([0, 1, 2, 3]);
  expect(again.choices.map((c) => c.message.content)).toEqual(a.choices.map((c) => c.message.content));
  const cut = await b.client.chat.completions.create({
    model: 'gpt-4o-mini',
    max_completion_tokens: 3,
    messages: [
      { role: 'system', content: 'Context: The quick brown fox jumps over the lazy dog near the river bank today.' },
      { role: 'user', content: 'What does the fox jump over?' },
    ],
  });
  expect(cut.choices[0]!.finish_reason).toBe('length');
  expect(cut.usage!.completion_tokens).toBe(3);
});

test('response_format json_schema yields JSON with the schema fields, enum chosen by the learner', async () => {
  const c = await b.client.chat.completions.create({
    model: 'gpt-4o-mini',
    temperature: 0,
    messages: [{ role: 'user', content: 'Question about billing: I was charged twice on my invoice' }],
    response_format: {
      type: 'json_schema',
      json_schema: {
        name: 'ticket',
        strict: true,
        schema: {
          type: 'object',
          properties: {
            label: { type: 'string', enum: ['billing', 'shipping', 'account_access'] },
            confidence: { type: 'number', minimum: 0, maximum: 1 },
            urgent: { type: 'boolean' },
          },
          required: ['label', 'confidence', 'urgent'],
          additionalProperties: false,
        },
      },
    },
  });
  const parsed = JSON.parse(c.choices[0]!.message.content!);
  expect(parsed).toEqual({ label: 'billing', confidence: expect.any(Number), urgent: false });
  expect(parsed.confidence).toBeGreaterThanOrEqual(0);
  expect(parsed.confidence).toBeLessThanOrEqual(1);
});

test('streaming returns chunks and a usage chunk', async () => {
  const stream = await b.client.chat.completions.create({
    model: 'gpt-4o-mini',
    temperature: 0,
    stream: true,
    stream_options: { include_usage: true },
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'I want a refund' },
    ],
  });
  let text = '';
  let usage: OpenAI.CompletionUsage | null | undefined;
  for await (const chunk of stream) {
    const typed: OpenAI.Chat.ChatCompletionChunk = chunk;
    text += typed.choices[0]?.delta.content ?? '';
    if (typed.usage) usage = typed.usage;
  }
  expect(text).toBe('refund_request');
  expect(usage?.total_tokens).toBeGreaterThan(0);
});

test('invalid requests are 400 with a param', async () => {
  const err = await b.client.chat.completions
    .create({ model: 'gpt-4o-mini', messages: [], temperature: 0 })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages');
  const hot = await b.client.chat.completions
    .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], temperature: 3 })
    .catch((e: unknown) => e);
  expect(hot).toBeInstanceOf(OpenAI.BadRequestError);
});

test('logprobs: the reply probability on the first token, alternatives in top_logprobs', async () => {
  const c = await b.client.chat.completions.create({
    model: 'gpt-4o-mini',
    temperature: 0,
    logprobs: true,
    top_logprobs: 3,
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'I want a refund for my order' },
    ],
  });
  const content: OpenAI.Chat.ChatCompletionTokenLogprob[] = c.choices[0]!.logprobs!.content!;
  expect(content.map((t) => t.token).join('')).toBe('refund_request');
  expect(content[0]!.logprob).toBeLessThanOrEqual(0);
  expect(content[0]!.top_logprobs.length).toBeGreaterThan(1);
  expect(content[0]!.top_logprobs[0]!.logprob).toBeGreaterThanOrEqual(content[0]!.top_logprobs[1]!.logprob);
});
