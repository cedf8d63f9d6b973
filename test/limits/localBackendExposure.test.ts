import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import readline from 'node:readline';
import OpenAI from 'openai';
import { providerClient } from '../../providers/openai/client';
import { startLocalOpenAI, type LocalOpenAIServer } from '../../providers/local/server';
import { startTestBackend, tempDataDir, testClient, type TestBackend } from '../localBackend/support/backend';
import { runCli, TAILOR_BIN } from '../support/runCli';

/**
 * The local backend's request-body limit and token (loopback binding: loopbackOnly.test.ts):
 * a 413 naming the limit, and with a token every /v1 route wants `Authorization: Bearer <token>`, which is how the
 * OpenAI SDK sends its API key, so `OPENAI_API_KEY=<token>` is all a pipeline needs.
 */
const chat = (client: OpenAI, content: string) =>
  client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });

async function apiError(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpenAI.APIError);
  return err as InstanceType<typeof OpenAI.APIError>;
}

/** A raw request, so the test controls the headers (a declared length, chunked transfer) the SDK would choose. */
function rawPost(
  baseURL: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseURL}${path}`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.flushHeaders(); // declared but never sent: the answer must not wait for it
  });
}

describe('request body limit', () => {
  let backend: TestBackend;
  beforeAll(async () => {
    backend = await startTestBackend({ maxBodyBytes: 2048 });
  });
  afterAll(() => backend.close());

  test('a JSON body over maxBodyBytes: 413 request_too_large naming the limit; under it: answered', async () => {
    const err = await apiError(chat(backend.client, 'x'.repeat(4000)));
    expect(err.status).toBe(413);
    expect(err.code).toBe('request_too_large');
    expect(err.type).toBe('invalid_request_error');
    expect(err.message).toMatch(
      /Request body of \d+ bytes exceeds the 2048-byte limit \(maxBodyBytes; tailor local-openai --max-body-bytes\)/,
    );
    const ok = await chat(backend.client, 'a short ticket');
    expect(ok.choices).toHaveLength(1);
  });

  test('a file upload over the limit: 413, nothing stored', async () => {
    const big = new File(['{"messages":[]}\n'.repeat(400)], 'big.jsonl');
    const err = await apiError(backend.client.files.create({ file: big, purpose: 'fine-tune' }));
    expect(err.status).toBe(413);
    const files = await backend.client.files.list();
    expect(files.data.filter((f) => f.filename === 'big.jsonl')).toEqual([]);
  });

  test('a chunked body (no content-length) is cut off at the limit, answered with the same 413', async () => {
    const r = await rawPost(
      backend.server.baseURL,
      '/chat/completions',
      { authorization: 'Bearer k', 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'y'.repeat(5000) }] }),
    );
    expect(r.status).toBe(413);
    expect(r.headers.connection).toBe('close');
    expect(r.json).toEqual({
      error: {
        message: expect.stringContaining('exceeds the 2048-byte limit (maxBodyBytes'),
        type: 'invalid_request_error',
        param: null,
        code: 'request_too_large',
      },
    });
  });

  test('by default 512 MiB: a larger declared length is refused before a byte of it is read', async () => {
    const plain = await startLocalOpenAI({ dataDir: tempDataDir(), port: 0 });
    try {
      const r = await rawPost(plain.baseURL, '/files', {
        authorization: 'Bearer k',
        'content-type': 'multipart/form-data; boundary=x',
        'content-length': String(512 * 1024 * 1024 + 1),
      });
      expect(r.status).toBe(413);
      expect((r.json as { error: { message: string } }).error.message).toContain(
        `Request body of ${512 * 1024 * 1024 + 1} bytes exceeds the ${512 * 1024 * 1024}-byte limit`,
      );
    } finally {
      await plain.close();
    }
  });
});

describe('bearer token', () => {
  const TOKEN = 'local-token-0123456789';
  let server: LocalOpenAIServer;
  beforeAll(async () => {
    server = await startLocalOpenAI({ dataDir: tempDataDir(), port: 0, token: TOKEN });
  });
  afterAll(() => server.close());

  test(
    'the SDK without the token (another key, or none) gets ' + '401 invalid_api_key on every route; with it, answers',
    async () => {
      for (const call of [
        (c: OpenAI) => c.models.list(),
        (c: OpenAI) => chat(c, 'hi'),
        (c: OpenAI) => c.files.list(),
      ]) {
        const err = await apiError(call(testClient(server.baseURL)));
        expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
        expect(err.code).toBe('invalid_api_key');
      }
      const none = await fetch(`${server.baseURL}/models`);
      expect(none.status).toBe(401);
      expect(((await none.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');

      const client = new OpenAI({ baseURL: server.baseURL, apiKey: TOKEN, maxRetries: 0 });
      expect((await client.models.list()).data.length).toBeGreaterThan(0);
      expect((await chat(client, 'hi')).choices).toHaveLength(1);
    },
  );

  test('admin routes want it too', async () => {
    expect((await fetch(`${server.baseURL}/_admin/health`)).status).toBe(401);
    expect(
      (await fetch(`${server.baseURL}/_admin/health`, { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(200);
  });

  test("a pipeline's provider client works unchanged with OPENAI_API_KEY set to the token", async () => {
    const env = { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: TOKEN };
    expect((await providerClient({ type: 'default' }, env).models.list()).data.length).toBeGreaterThan(0);
    const wrong = await apiError(
      providerClient({ type: 'default' }, { OPENAI_BASE_URL: server.baseURL }).models.list(),
    );
    expect(wrong.status).toBe(401);
  });

  test('without a token (the default) any key is accepted, as before', async () => {
    const open = await startTestBackend();
    try {
      expect((await open.client.models.list()).data.length).toBeGreaterThan(0);
    } finally {
      await open.close();
    }
  });
});

describe('tailor local-openai --token-env --max-body-bytes', () => {
  let child: ChildProcess;
  let baseURL = '';
  beforeAll(async () => {
    child = spawn(
      process.execPath,
      [
        TAILOR_BIN,
        'local-openai',
        '--port',
        '0',
        '--data-dir',
        tempDataDir(),
        '--token-env',
        'LOCAL_TOKEN',
        '--max-body-bytes',
        '4K',
      ],
      {
        env: { ...process.env, LOCAL_TOKEN: 'cli-token-abcdef' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    baseURL = await new Promise<string>((resolve) =>
      readline.createInterface({ input: child.stdout! }).once('line', resolve),
    );
  });
  afterAll(async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  });

  test('takes the token from the named variable and the limit from the flag', async () => {
    expect(baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect((await apiError(testClient(baseURL).models.list())).code).toBe('invalid_api_key');
    const client = new OpenAI({ baseURL, apiKey: 'cli-token-abcdef', maxRetries: 0 });
    expect((await client.models.list()).data.length).toBeGreaterThan(0);
    const big = await apiError(chat(client, 'z'.repeat(5000)));
    expect(big.status).toBe(413);
    expect(big.message).toContain('exceeds the 4096-byte limit');
  });

  test.each([
    [
      ['--token-env', 'NO_SUCH_TOKEN_VAR'],
      '--token-env NO_SUCH_TOKEN_VAR: that environment variable is unset or empty',
    ],
    [
      ['--max-body-bytes', '0'],
      "--max-body-bytes expects a positive whole number (optionally with K, M or G), got '0'",
    ],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const r = await runCli(['local-openai', '--port', '0', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
