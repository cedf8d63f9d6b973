import { defaultPayloadConverter } from '@temporalio/common';
import { startCodecServer, type CodecServer } from '../../servers/codec/codecServer';
import { payloadsFromJson, payloadsToJson } from '../../core/codec/payloadJson';
import { tailorDataConverter } from '../../workers/dataConverter';
import { newKey } from './keys';

const UI = 'http://localhost:8233';
const codec = () => tailorDataConverter({ TAILOR_ENCRYPTION_KEYS: `ui-test:${newKey()}` })!.payloadCodecs[0]!;
const body = (value: unknown) => JSON.stringify(payloadsToJson([defaultPayloadConverter.toPayload(value)]));
const b64 = (s: string) => Buffer.from(s).toString('base64');
const JSON_TYPE = { 'content-type': 'application/json' };

describe('tailor codec-server over real loopback HTTP', () => {
  let open: CodecServer;
  let locked: CodecServer;
  beforeAll(async () => {
    const shared = codec();
    open = await startCodecServer({ codec: shared, port: 0 });
    locked = await startCodecServer({ codec: shared, port: 0, token: 'ui-token-1234567890' });
  });
  afterAll(async () => {
    await open?.close();
    await locked?.close();
  });

  it('binds 127.0.0.1 and round-trips /encode then /decode in proto3 JSON (base64 metadata and data)', async () => {
    expect(open.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const enc = await fetch(`${open.url}/encode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default' },
      body: body({ line: 'hello secret' }),
    });
    expect(enc.status).toBe(200);
    const encoded = (await enc.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(encoded.payloads[0]!.metadata.encoding).toBe(b64('binary/encrypted'));
    expect(encoded.payloads[0]!.metadata['encryption-key-id']).toBe(b64('ui-test'));
    expect(Buffer.from(encoded.payloads[0]!.data, 'base64').toString()).not.toContain('hello secret');
    // The UI mounts the endpoint per namespace; only the last path segment decides the action.
    const dec = await fetch(`${open.url}/default/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(encoded),
    });
    expect(dec.status).toBe(200);
    const decoded = payloadsFromJson(await dec.json());
    expect(defaultPayloadConverter.fromPayload(decoded[0]!)).toEqual({ line: 'hello secret' });
  });

  it("answers the Web UI's preflight and POSTs with CORS headers for the UI origin only", async () => {
    const pre = await fetch(`${open.url}/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: UI,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace,authorization',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(UI);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/x-namespace/);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
    const post = await fetch(`${open.url}/encode`, {
      method: 'POST',
      headers: { ...JSON_TYPE, origin: UI },
      body: body(1),
    });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe(UI);

    const evil = 'http://evil.example';
    const evilPre = await fetch(`${open.url}/decode`, {
      method: 'OPTIONS',
      headers: { origin: evil, 'access-control-request-method': 'POST' },
    });
    expect(evilPre.status).toBe(403);
    expect(evilPre.headers.get('access-control-allow-origin')).toBeNull();
    const evilPost = await fetch(`${open.url}/encode`, {
      method: 'POST',
      headers: { ...JSON_TYPE, origin: evil },
      body: body(1),
    });
    expect(evilPost.status).toBe(403);
    expect(evilPost.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('with a token configured: 401 without it or with a wrong one, 200 with it; preflight needs none', async () => {
    const noToken = await fetch(`${locked.url}/encode`, { method: 'POST', headers: JSON_TYPE, body: body(1) });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await fetch(`${locked.url}/encode`, {
      method: 'POST',
      headers: { ...JSON_TYPE, authorization: 'Bearer ui-token-1234567899' },
      body: body(1),
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${locked.url}/encode`, {
      method: 'POST',
      headers: { ...JSON_TYPE, authorization: 'Bearer ui-token-1234567890' },
      body: body(1),
    });
    expect(right.status).toBe(200);
    const pre = await fetch(`${locked.url}/encode`, {
      method: 'OPTIONS',
      headers: { origin: UI, 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
  });

  it('answers bad requests with a clear 4xx, never a stack trace', async () => {
    const cases: [string, RequestInit, number, RegExp][] = [
      ['/nope', { method: 'POST', headers: JSON_TYPE, body: '{}' }, 404, /not found/],
      ['/decode', { method: 'GET' }, 405, /use POST/],
      ['/decode', { method: 'POST', headers: JSON_TYPE, body: 'not json' }, 400, /not JSON/],
      ['/decode', { method: 'POST', headers: JSON_TYPE, body: '{"items":[]}' }, 400, /payloads/],
      [
        '/decode',
        {
          method: 'POST',
          headers: JSON_TYPE,
          body: JSON.stringify({
            payloads: [
              { metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64('gone') }, data: b64('x') },
            ],
          }),
        },
        400,
        /key ID 'gone'/,
      ],
    ];
    for (const [path, init, status, message] of cases) {
      const res = await fetch(`${open.url}${path}`, init);
      const text = await res.text();
      expect([path, res.status]).toEqual([path, status]);
      expect(text).toMatch(message);
      expect(text).not.toMatch(/\n\s+at /);
    }
  });

  it("refuses a text/plain body (415) and a foreign Origin (403) in OpenAI's error shape, token or not", async () => {
    for (const server of [open, locked]) {
      const plain = await fetch(`${server.url}/encode`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: body(1),
      });
      expect(plain.status).toBe(415);
      expect(((await plain.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
      const headers = {
        'content-type': 'text/plain',
        origin: 'https://evil.example',
        authorization: 'Bearer ui-token-1234567890',
      };
      const evil = await fetch(`${server.url}/decode`, { method: 'POST', headers, body: body(1) });
      expect(evil.status).toBe(403);
      expect(((await evil.json()) as { error: { message: string } }).error.message).toMatch(
        /evil\.example.*not allowed/,
      );
    }
  });

  it('answers an over-limit body with 413 naming the limit, not a reset connection', async () => {
    const small = await startCodecServer({ codec: codec(), port: 0, maxBodyBytes: 1024 });
    try {
      const big = JSON.stringify({ payloads: [{ metadata: {}, data: b64('x'.repeat(200_000)) }] });
      const res = await fetch(`${small.url}/encode`, { method: 'POST', headers: JSON_TYPE, body: big });
      expect(res.status).toBe(413);
      const err = ((await res.json()) as { error: { message: string; code: string } }).error;
      expect(err.code).toBe('request_too_large');
      expect(err.message).toMatch(/1024-byte limit/);
      // Streamed without a content-length: the limit is found while reading, and still answered.
      const chunks = new ReadableStream({
        start(c) {
          for (let i = 0; i < 20; i++) c.enqueue(new TextEncoder().encode('x'.repeat(10_000)));
          c.close();
        },
      });
      const init = { method: 'POST', headers: JSON_TYPE, body: chunks, duplex: 'half' } as RequestInit;
      const streamed = await fetch(`${small.url}/encode`, init);
      expect(streamed.status).toBe(413);
      // Within the limit, the same server still works.
      expect((await fetch(`${small.url}/encode`, { method: 'POST', headers: JSON_TYPE, body: body(1) })).status).toBe(
        200,
      );
    } finally {
      await small.close();
    }
  });
});
