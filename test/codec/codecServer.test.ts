import { defaultPayloadConverter } from '@temporalio/common';
import { startCodecServer, type CodecServer } from '../../cli/commands/codecServer';
import { payloadsFromJson, payloadsToJson } from '../../core/codec/payloadJson';
import { tailorDataConverter } from '../../workers/dataConverter';
import { newKey } from './keys';

const UI = 'http://localhost:8233';
const codec = () => tailorDataConverter({ TAILOR_ENCRYPTION_KEYS: `ui-test:${newKey()}` })!.payloadCodecs[0]!;
const body = (value: unknown) => JSON.stringify(payloadsToJson([defaultPayloadConverter.toPayload(value)]));
const b64 = (s: string) => Buffer.from(s).toString('base64');

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
    const enc = await fetch(`${open.url}/encode`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-namespace': 'default' }, body: body({ line: 'hello secret' }) });
    expect(enc.status).toBe(200);
    const encoded = (await enc.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(encoded.payloads[0]!.metadata.encoding).toBe(b64('binary/encrypted'));
    expect(encoded.payloads[0]!.metadata['encryption-key-id']).toBe(b64('ui-test'));
    expect(Buffer.from(encoded.payloads[0]!.data, 'base64').toString()).not.toContain('hello secret');
    // The UI mounts the endpoint per namespace; only the last path segment decides the action.
    const dec = await fetch(`${open.url}/default/decode`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(encoded) });
    expect(dec.status).toBe(200);
    const decoded = payloadsFromJson(await dec.json());
    expect(defaultPayloadConverter.fromPayload(decoded[0]!)).toEqual({ line: 'hello secret' });
  });

  it("answers the Web UI's preflight and POSTs with CORS headers for the UI origin only", async () => {
    const pre = await fetch(`${open.url}/decode`, {
      method: 'OPTIONS',
      headers: { origin: UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace,authorization' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(UI);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/x-namespace/);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
    const post = await fetch(`${open.url}/encode`, { method: 'POST', headers: { origin: UI }, body: body(1) });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe(UI);

    const evil = 'http://evil.example';
    const evilPre = await fetch(`${open.url}/decode`, { method: 'OPTIONS', headers: { origin: evil, 'access-control-request-method': 'POST' } });
    expect(evilPre.status).toBe(403);
    expect(evilPre.headers.get('access-control-allow-origin')).toBeNull();
    const evilPost = await fetch(`${open.url}/encode`, { method: 'POST', headers: { origin: evil }, body: body(1) });
    expect(evilPost.status).toBe(403);
    expect(evilPost.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('with a token configured: 401 without it or with a wrong one, 200 with it; preflight needs none', async () => {
    const noToken = await fetch(`${locked.url}/encode`, { method: 'POST', body: body(1) });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await fetch(`${locked.url}/encode`, { method: 'POST', headers: { authorization: 'Bearer ui-token-1234567899' }, body: body(1) });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${locked.url}/encode`, { method: 'POST', headers: { authorization: 'Bearer ui-token-1234567890' }, body: body(1) });
    expect(right.status).toBe(200);
    const pre = await fetch(`${locked.url}/encode`, { method: 'OPTIONS', headers: { origin: UI, 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(204);
  });

  it('answers bad requests with a clear 4xx, never a stack trace', async () => {
    const cases: [string, RequestInit, number, RegExp][] = [
      ['/nope', { method: 'POST', body: '{}' }, 404, /not found/],
      ['/decode', { method: 'GET' }, 405, /use POST/],
      ['/decode', { method: 'POST', body: 'not json' }, 400, /not JSON/],
      ['/decode', { method: 'POST', body: '{"items":[]}' }, 400, /payloads/],
      ['/decode', { method: 'POST', body: JSON.stringify({ payloads: [{ metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64('gone') }, data: b64('x') }] }) }, 400, /key ID 'gone'/],
    ];
    for (const [path, init, status, message] of cases) {
      const res = await fetch(`${open.url}${path}`, init);
      const text = await res.text();
      expect([path, res.status]).toEqual([path, status]);
      expect(text).toMatch(message);
      expect(text).not.toMatch(/\n\s+at /);
    }
  });
});
