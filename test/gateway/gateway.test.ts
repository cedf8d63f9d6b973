/**
 * `tailor gateway` in front of the real local backend over HTTP: pass-through, streaming, NAME@ALIAS resolution and
 * alias moves under load, canary shares, shadow copies, and OpenAI-shaped errors for bad input.
 */
import http from 'node:http';
import type OpenAI from 'openai';
import { startTestBackend, type TestBackend } from '../localBackend/support/backend';
import { ask, moveAlias, register, startHarness, type Harness } from './support/gatewayHarness';

const TTL_MS = 100;
let h: Harness;
let hanging: TestBackend;

beforeAll(async () => {
  hanging = await startTestBackend({ faults: 'chat=hang' });
  h = await startHarness(
    {
      providers: {
        'openai-compatible': { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' },
        'self-hosted': { type: 'self-hosted', servingBaseUrl: hanging.server.baseURL },
      },
      aliases: {
        'tickets@canary': { canary: { model: 'gpt-4.1-mini', percent: 10 } },
        'tickets@shadow': { shadow: { model: 'gpt-4.1-mini' } },
      },
    },
    { aliasTtlMs: TTL_MS },
  );
  await register(h.registry, 'gpt-4o-mini');
  await register(h.registry, 'gpt-4.1-mini');
  await register(h.registry, 'ft:down', 'openai-compatible');
  await register(h.registry, 'gpt-4o', 'self-hosted');
  for (const alias of ['prod', 'canary', 'shadow']) await moveAlias(h.registry, alias, 'gpt-4o-mini');
  await moveAlias(h.registry, 'down', 'ft:down');
  await moveAlias(h.registry, 'hangs', 'gpt-4o');
}, 30_000);
afterAll(async () => {
  await h.close();
  await hanging.close();
});

test('a plain model passes through; x-tailor-model names the model that answered', async () => {
  const { data, response } = await h.client.chat.completions.create(ask('gpt-4o-mini')).withResponse();
  expect(data.choices[0]!.message.content).toBe('refund_request');
  expect(response.headers.get('x-tailor-model')).toBe('gpt-4o-mini');
  expect(response.headers.get('x-request-id')).toMatch(/^req_/);
});

test('NAME@ALIAS streams chunk by chunk, the same answer as without streaming', async () => {
  const whole = await h.client.chat.completions.create(ask('tickets@prod'));
  const { data: stream, response } = await h.client.chat.completions
    .create({ ...ask('tickets@prod'), stream: true })
    .withResponse();
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  expect(response.headers.get('x-tailor-model')).toBe('gpt-4o-mini');
  const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  expect(chunks.length).toBeGreaterThan(1);
  expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(whole.choices[0]!.message.content);
  expect(chunks[0]!.model).toMatch(/^gpt-4o-mini/);
});

test('embeddings through an alias; /v1/models lists the aliases and the provider models', async () => {
  const e = await h.client.embeddings.create({ model: 'text-embedding-3-small', input: ['hello', 'world'] });
  expect(e.data).toHaveLength(2);
  expect(e.data[0]!.embedding.length).toBeGreaterThan(10);
  const ids = (await h.client.models.list()).data.map((m) => m.id);
  expect(ids).toEqual(
    expect.arrayContaining(['tickets@prod', 'tickets@canary', 'gpt-4o-mini', 'text-embedding-3-small']),
  );
});

test('an alias move during a stream of requests switches models with no failed request', async () => {
  await moveAlias(h.registry, 'prod', 'gpt-4o-mini');
  const results: { started: number; model: string | null; answered: string }[] = [];
  const failures: unknown[] = [];
  let movedAt: number | undefined;
  // Four clients send requests back to back. After the 20th answer the alias moves; they carry on until 20 requests
  // that started a whole TTL after the move (when no cached resolution can be left) have been answered.
  const lateDone = () => results.filter((r) => movedAt !== undefined && r.started >= movedAt + TTL_MS).length >= 20;
  const clientLoop = async () => {
    while (!lateDone()) {
      const started = Date.now();
      try {
        const { data, response } = await h.client.chat.completions.create(ask('tickets@prod')).withResponse();
        results.push({ started, model: response.headers.get('x-tailor-model'), answered: data.model });
      } catch (err) {
        failures.push(err);
        return;
      }
      if (results.length === 20 && movedAt === undefined) {
        await moveAlias(h.registry, 'prod', 'gpt-4.1-mini');
        movedAt = Date.now();
      }
    }
  };
  await Promise.all([clientLoop(), clientLoop(), clientLoop(), clientLoop()]);
  expect(failures).toEqual([]);
  for (const r of results) expect(r.answered.startsWith(r.model!)).toBe(true);
  const after = results.filter((r) => r.started >= movedAt! + TTL_MS);
  // The first 20 answers all came before the move started.
  expect(new Set(results.slice(0, 20).map((r) => r.model))).toEqual(new Set(['gpt-4o-mini']));
  expect(new Set(after.map((r) => r.model))).toEqual(new Set(['gpt-4.1-mini']));
  await moveAlias(h.registry, 'prod', 'gpt-4o-mini');
}, 30_000);

test('a 10% canary serves 10% ± 3% of 2,000 requests, sticky per user', async () => {
  const variants: string[] = [];
  const byUser = new Map<string, string>();
  let next = 0;
  const clientLoop = async () => {
    while (next < 2000) {
      const user = `user-${next++}`;
      const { response } = await h.client.chat.completions.create(ask('tickets@canary', 'hi', user)).withResponse();
      variants.push(response.headers.get('x-tailor-variant')!);
      byUser.set(user, response.headers.get('x-tailor-model')!);
    }
  };
  await Promise.all(Array.from({ length: 8 }, clientLoop));
  const canary = variants.filter((v) => v === 'canary').length;
  expect(variants).toHaveLength(2000);
  expect(canary / 2000).toBeGreaterThanOrEqual(0.07);
  expect(canary / 2000).toBeLessThanOrEqual(0.13);
  // Sticky: the same 50 users ask again and get the same model.
  for (let i = 0; i < 50; i++) {
    const user = `user-${i}`;
    const { response } = await h.client.chat.completions.create(ask('tickets@canary', 'again', user)).withResponse();
    expect(response.headers.get('x-tailor-model')).toBe(byUser.get(user));
  }
  // The x-tailor-user header is a user key too.
  const viaHeader = async () =>
    (
      await h.client.chat.completions
        .create(ask('tickets@canary'), { headers: { 'x-tailor-user': 'user-7' } })
        .withResponse()
    ).response.headers.get('x-tailor-model');
  expect(await viaHeader()).toBe(byUser.get('user-7'));
}, 60_000);

test('shadow answers are recorded and never returned', async () => {
  const before = h.gateway.shadowLog.read().length;
  for (let i = 0; i < 5; i++) {
    const { data, response } = await h.client.chat.completions
      .create(ask('tickets@shadow', `ticket ${i}`))
      .withResponse();
    expect(response.headers.get('x-tailor-model')).toBe('gpt-4o-mini');
    expect(data.model).toMatch(/^gpt-4o-mini/);
  }
  // A streamed request is shadowed too, as one non-streamed call.
  const stream = await h.client.chat.completions.create({
    ...ask('tickets@shadow', 'ticket 5'),
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const chunk of stream) expect(chunk.model).toMatch(/^gpt-4o-mini/);
  await h.gateway.settled();
  const records = h.gateway.shadowLog.read().slice(before);
  expect(records).toHaveLength(6);
  for (const r of records) {
    expect(r).toMatchObject({
      alias: 'tickets@shadow',
      servedModel: 'gpt-4o-mini',
      shadowModel: 'gpt-4.1-mini',
      error: null,
    });
    expect((r.response as OpenAI.Chat.ChatCompletion).model).toMatch(/^gpt-4.1-mini/);
  }
  const asked = records.map((r) => (r.request as { messages: { content: string }[] }).messages[1]!.content);
  expect(asked.sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `ticket ${i}`));
});

/** A raw request to the gateway: status, headers and parsed body. */
async function raw(
  method: string,
  route: string,
  body: string | undefined,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<{
  status: number;
  headers: Headers;
  json: { error: { message: string; type: string; param: string | null; code: string | null } };
}> {
  const res = await fetch(`${h.gateway.url}${route}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  return { status: res.status, headers: res.headers, json: (await res.json()) as never };
}

test('bad input: OpenAI-shaped 400, 404, the provider own error, 502 for a provider that is down', async () => {
  const chat = (model: string) => raw('POST', '/v1/chat/completions', JSON.stringify(ask(model)));
  const malformed = await chat('Tickets@@prod');
  expect(malformed.status).toBe(400);
  expect(malformed.json.error).toMatchObject({ param: 'model', code: 'invalid_model', type: 'invalid_request_error' });
  expect(malformed.json.error.message).toMatch(/is not NAME@ALIAS/);

  const nowhere = await chat('tickets@nowhere');
  expect(nowhere.status).toBe(404);
  expect(nowhere.json.error).toMatchObject({ param: 'model', code: 'model_not_found' });
  expect(nowhere.json.error.message).toMatch(/tickets@nowhere names no model/);

  const unknown = await chat('no-such-model');
  expect(unknown.status).toBe(404);
  expect(unknown.json.error).toMatchObject({ param: 'model', code: 'model_not_found' });
  expect(unknown.headers.get('x-tailor-model')).toBe('no-such-model');

  const down = await chat('tickets@down');
  expect(down.status).toBe(502);
  expect(down.json.error).toMatchObject({ type: 'server_error', code: 'provider_unreachable' });
  expect(down.json.error.message).toMatch(/ft:down/);

  const notJson = await raw('POST', '/v1/chat/completions', '{"model": ');
  expect(notJson.status).toBe(400);
  const noModel = await raw('POST', '/v1/chat/completions', JSON.stringify({ messages: [] }));
  expect(noModel.status).toBe(400);
  expect(noModel.json.error.param).toBe('model');
  const route = await raw('GET', '/v1/files', undefined, {});
  expect(route.status).toBe(404);

  // The gateway is still up and answering.
  expect((await h.client.chat.completions.create(ask('tickets@prod'))).choices[0]!.message.content).toBe(
    'refund_request',
  );
});

test('a client that disconnects mid-stream aborts the provider request; the gateway carries on', async () => {
  const closed = h.exchanges.length;
  const req = http.request(`${h.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  });
  req.on('error', () => undefined);
  req.end(JSON.stringify({ ...ask('tickets@hangs'), stream: true }));
  // The provider (fault `chat=hang`) never answers; the client gives up.
  await new Promise((r) => req.once('finish', r));
  req.destroy();
  for (;;) {
    const e = h.exchanges.slice(closed).find((x) => x.alias === 'tickets@hangs');
    if (e) {
      expect(e).toMatchObject({ error: 'client_closed', stream: true, model: 'gpt-4o' });
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  expect((await h.client.chat.completions.create(ask('tickets@prod'))).choices[0]!.message.content).toBe(
    'refund_request',
  );
});

test('cross-site requests are refused: a foreign Origin (403), a non-JSON write (415)', async () => {
  const foreign = await raw('POST', '/v1/chat/completions', JSON.stringify(ask('tickets@prod')), {
    'content-type': 'application/json',
    origin: 'https://evil.example',
  });
  expect(foreign.status).toBe(403);
  expect(foreign.json.error.code).toBe('origin_not_allowed');
  const form = await raw('POST', '/v1/chat/completions', JSON.stringify(ask('tickets@prod')), {
    'content-type': 'text/plain',
  });
  expect(form.status).toBe(415);
});
