/**
 * The local backend under a web page's requests and malformed ones: cross-site writes refused (403 for a foreign
 * Origin, 415 for a non-JSON body) with or without a token, and behaviour unchanged afterwards; bad paths, two-file
 * uploads and impossible max_tokens are 400s; without --token-env no API key is needed.
 */
import { startTestBackend, type TestBackend } from './support/backend';

const EVIL = 'https://evil.example';
const JSON_TYPE = { 'content-type': 'application/json' };
const PLAIN = { 'content-type': 'text/plain' };

type Sent = { status: number; error?: Record<string, unknown> };

async function send(b: TestBackend, path: string, init: RequestInit): Promise<Sent> {
  const res = await fetch(`${b.server.baseURL}${path}`, init);
  const text = await res.text();
  const body = text ? (JSON.parse(text) as { error?: Record<string, unknown> }) : {};
  return { status: res.status, error: body.error };
}

const getJson = async (b: TestBackend, path: string, headers: Record<string, string> = {}) =>
  (await fetch(`${b.server.baseURL}${path}`, { headers })).json() as Promise<Record<string, unknown>>;

describe('local backend: cross-site writes', () => {
  for (const token of [undefined, 'guard-token-123456']) {
    const label = token ? 'with' : 'without';
    it(`refuses text/plain and foreign-Origin writes to the admin routes (${label} a token)`, async () => {
      const b = await startTestBackend({ token });
      const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      try {
        const before = {
          faults: await getJson(b, '/_admin/faults', auth),
          limits: await getJson(b, '/_admin/rate_limits', auth),
        };
        const attacks: [string, string][] = [
          ['/_admin/faults', JSON.stringify({ spec: 'chat=500' })],
          ['/_admin/rate_limits', JSON.stringify({ rpm: 1, tpm: 1 })],
        ];
        for (const [path, body] of attacks) {
          // What a web page's <form enctype="text/plain"> or fetch(no-cors) sends.
          const plain = await send(b, path, { method: 'POST', headers: PLAIN, body });
          expect([path, plain.status, plain.error?.code]).toEqual([path, 415, 'unsupported_media_type']);
          const plainEvil = await send(b, path, { method: 'POST', headers: { ...PLAIN, origin: EVIL }, body });
          expect([path, plainEvil.status, plainEvil.error?.code]).toEqual([path, 403, 'origin_not_allowed']);
          // Even a JSON body with the right token is refused from a foreign page.
          const headers = { ...JSON_TYPE, origin: EVIL, ...auth };
          const jsonEvil = await send(b, path, { method: 'POST', headers, body });
          expect([path, jsonEvil.status]).toEqual([path, 403]);
        }
        // A multipart upload is allowed on /v1/files only, and never from a foreign page.
        const form = new FormData();
        form.append('purpose', 'fine-tune');
        form.append('file', new Blob(['{"messages":[]}\n']), 'a.jsonl');
        const upload = await send(b, '/files', { method: 'POST', headers: { origin: EVIL, ...auth }, body: form });
        expect(upload.status).toBe(403);
        const formFaults = new FormData();
        formFaults.append('spec', 'chat=500');
        expect((await send(b, '/_admin/faults', { method: 'POST', headers: auth, body: formFaults })).status).toBe(415);
        // Nothing changed: no fault fires and no limit applies.
        expect(await getJson(b, '/_admin/faults', auth)).toEqual(before.faults);
        expect(await getJson(b, '/_admin/rate_limits', auth)).toEqual(before.limits);
        const chat = await b.client.withOptions({ apiKey: token ?? 'any' }).chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'hello' }],
        });
        expect(chat.choices).toHaveLength(1);
        // The SDK (no Origin, JSON) still configures it.
        const reset = { method: 'POST', headers: { ...JSON_TYPE, ...auth }, body: '{"spec":""}' };
        const ok = await send(b, '/_admin/faults', reset);
        expect(ok.status).toBe(200);
      } finally {
        await b.close();
      }
    });
  }

  it('accepts a browser origin the operator allowed', async () => {
    const b = await startTestBackend({ allowedOrigins: ['http://localhost:5173'] });
    try {
      const headers = { 'content-type': 'application/json', origin: 'http://localhost:5173' };
      expect((await send(b, '/_admin/rate_limits', { method: 'POST', headers, body: '{"rpm":0}' })).status).toBe(200);
      const evilHeaders = { ...headers, origin: EVIL };
      const evil = await send(b, '/_admin/rate_limits', { method: 'POST', headers: evilHeaders, body: '{}' });
      expect(evil.status).toBe(403);
    } finally {
      await b.close();
    }
  });
});

describe('local backend: malformed requests are 400s', () => {
  let b: TestBackend;
  beforeAll(async () => {
    b = await startTestBackend();
  });
  afterAll(async () => {
    await b?.close();
  });

  it('a malformed %-escape in a path is a 400, not a 500', async () => {
    for (const path of ['/files/%zz', '/files/file-%E0%A4%A', '/fine_tuning/jobs/%']) {
      const r = await send(b, path, { method: 'GET' });
      expect([path, r.status, r.error?.code]).toEqual([path, 400, 'invalid_url']);
    }
  });

  it('a multipart upload with two files is a 400 and stores nothing', async () => {
    const before = (await b.client.files.list()).data.length;
    const form = new FormData();
    form.append('purpose', 'fine-tune');
    form.append('file', new Blob(['{"a":1}\n']), 'one.jsonl');
    form.append('file', new Blob(['{"b":2}\n']), 'two.jsonl');
    const r = await send(b, '/files', { method: 'POST', body: form });
    expect([r.status, r.error?.param]).toEqual([400, 'file']);
    expect(r.error?.message).toMatch(/exactly one 'file'/);
    expect((await b.client.files.list()).data.length).toBe(before);
  });

  it('max_tokens beyond the model is a 400 naming the parameter, not a 429, with no rate limit set', async () => {
    for (const param of ['max_tokens', 'max_completion_tokens']) {
      const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], [param]: 1e12 });
      const r = await send(b, '/chat/completions', { method: 'POST', headers: JSON_TYPE, body });
      expect([param, r.status, r.error?.param, r.error?.code]).toEqual([param, 400, param, 'invalid_value']);
      expect(r.error?.message).toMatch(/too large: 1000000000000\. This model supports at most 16384/);
    }
    const messages = [{ role: 'user', content: 'hi' }];
    const fine = JSON.stringify({ model: 'gpt-4o-mini', messages, max_tokens: 16384 });
    const ok = await send(b, '/chat/completions', { method: 'POST', headers: JSON_TYPE, body: fine });
    expect(ok.status).toBe(200);
  });
});

describe('local backend: API keys', () => {
  const chat = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
  const post = (b: TestBackend, headers: Record<string, string> = {}) =>
    send(b, '/chat/completions', { method: 'POST', headers: { ...JSON_TYPE, ...headers }, body: chat });

  it('without --token-env, needs no Authorization header (and accepts any key)', async () => {
    const b = await startTestBackend();
    try {
      expect((await post(b)).status).toBe(200);
      expect((await post(b, { authorization: 'Bearer x' })).status).toBe(200);
    } finally {
      await b.close();
    }
  });

  it('with a token, 401 unless the bearer matches', async () => {
    const b = await startTestBackend({ token: 'sesame-0123456789' });
    try {
      expect(await post(b)).toMatchObject({ status: 401, error: { code: 'invalid_api_key' } });
      expect((await post(b, { authorization: 'Bearer x' })).status).toBe(401);
      expect((await post(b, { authorization: 'Bearer sesame-0123456789' })).status).toBe(200);
    } finally {
      await b.close();
    }
  });
});
