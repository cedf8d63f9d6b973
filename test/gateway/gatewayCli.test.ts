/**
 * `tailor gateway` as a process: its URL is the first stdout line, it serves NAME@ALIAS from the registry in
 * TAILOR_REGISTRY through the backend in OPENAI_BASE_URL, honours --token-env and --config, exits 0 on SIGTERM; a
 * bad config file is a clear error naming file, line and key (exit 1, no stack trace).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import OpenAI from 'openai';
import { loadGatewayConfig } from '../../servers/gateway/gatewayConfig';
import { SqliteRegistryBackend } from '../../stores/registry/registryBackend';
import { Registry } from '../../stores/registry/registryDb';
import { startTestBackend, testClient, type TestBackend } from '../localBackend/support/backend';
import { ask, moveAlias, register } from './support/gatewayHarness';

const BIN = path.resolve(__dirname, '../../bin/tailor.js');
let backend: TestBackend;
let home: string;

beforeAll(async () => {
  backend = await startTestBackend();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-gateway-cli-'));
  const registry = new SqliteRegistryBackend(new Registry(path.join(home, 'registry.db')));
  await register(registry, 'gpt-4o-mini');
  await register(registry, 'gpt-4.1-mini');
  await moveAlias(registry, 'prod', 'gpt-4o-mini');
  await registry.close();
});
afterAll(async () => {
  await backend.close();
  fs.rmSync(home, { recursive: true, force: true });
});

const env = () => ({
  ...process.env,
  TAILOR_HOME: home,
  TAILOR_REGISTRY: path.join(home, 'registry.db'),
  OPENAI_BASE_URL: backend.server.baseURL,
  GATEWAY_TOKEN: 'sekret-token',
});

test('serves NAME@ALIAS until SIGTERM, with a bearer token and a canary from --config', async () => {
  const config = path.join(home, 'policy.yaml');
  fs.writeFileSync(config, 'aliases:\n  tickets@prod:\n    canary: { model: gpt-4.1-mini, percent: 100 }\n');
  const args = [BIN, 'gateway', '--port', '0', '--token-env', 'GATEWAY_TOKEN', '--config', config];
  const child = spawn(process.execPath, args, { env: env(), stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve) =>
    readline.createInterface({ input: child.stdout! }).once('line', resolve),
  );
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  await expect(testClient(`${url}/v1`).chat.completions.create(ask('tickets@prod'))).rejects.toBeInstanceOf(
    OpenAI.AuthenticationError,
  );
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sekret-token', maxRetries: 0 });
  const { data, response } = await client.chat.completions.create(ask('tickets@prod')).withResponse();
  expect(response.headers.get('x-tailor-model')).toBe('gpt-4.1-mini');
  expect(response.headers.get('x-tailor-variant')).toBe('canary');
  expect(data.choices[0]!.message.content).toBe('refund_request');
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
}, 30_000);

test('a bad config file names the file, the line and the key; exit 1, no stack trace', () => {
  const config = path.join(home, 'bad.yaml');
  fs.writeFileSync(
    config,
    'aliases:\n  tickets@prod:\n    canary: { model: gpt-4.1-mini, percent: 120 }\n  nope: {}\n',
  );
  const r = spawnSync(process.execPath, [BIN, 'gateway', '--port', '0', '--config', config], {
    env: env(),
    encoding: 'utf8',
  });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain(`${config}:3: aliases.tickets@prod.canary.percent: expected a percentage from 0 to 100`);
  expect(r.stderr).toMatch(/aliases\.nope.*NAME@ALIAS/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe('');
});

test('a missing --config file and a bad --port are usage errors (exit 2)', () => {
  const missing = spawnSync(process.execPath, [BIN, 'gateway', '--config', path.join(home, 'absent.yaml')], {
    env: env(),
    encoding: 'utf8',
  });
  expect(missing.status).toBe(2);
  expect(missing.stderr).toMatch(/absent\.yaml: no such file/);
  const port = spawnSync(process.execPath, [BIN, 'gateway', '--port', '70000'], { env: env(), encoding: 'utf8' });
  expect(port.status).toBe(2);
  expect(port.stderr).toMatch(/--port must be 0-65535/);
});

test('providers in the config are validated like a pipeline spec provider', () => {
  const config = path.join(home, 'providers.yaml');
  fs.writeFileSync(config, 'providers:\n  self-hosted:\n    type: self-hosted\n');
  expect(() => loadGatewayConfig(config)).toThrow(/providers\.self-hosted.*servingBaseUrl/s);
});
