/**
 * The whole loop through the real commands: `tailor gateway --config` with a capture policy in front of the local
 * backend, answers rated by response ID over `POST /v1/feedback`, SIGTERM (the queue is written before exit), then
 * `tailor capture export` turns the captured, rated traffic into a training file.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { SqliteRegistryBackend } from '../../stores/registry/registryBackend';
import { Registry } from '../../stores/registry/registryDb';
import { ask, moveAlias, register } from '../gateway/support/gatewayHarness';
import { startTestBackend, testClient, type TestBackend } from '../localBackend/support/backend';
import { runCli, TAILOR_BIN } from '../support/runCli';

let backend: TestBackend;
let home: string;

beforeAll(async () => {
  backend = await startTestBackend();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-capture-cli-'));
  const registry = new SqliteRegistryBackend(new Registry(path.join(home, 'registry.db')));
  await register(registry, 'gpt-4o-mini');
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
});

test(
  'tailor gateway captures an alias; feedback by ' + 'response ID; tailor capture export writes the rated ' + 'data',
  async () => {
    const config = path.join(home, 'gateway.yaml');
    fs.writeFileSync(config, 'aliases:\n  tickets@prod:\n    capture: { sampleRate: 1, retentionDays: 7 }\n');
    const child = spawn(process.execPath, [TAILOR_BIN, 'gateway', '--port', '0', '--config', config], {
      env: env(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve) =>
      readline.createInterface({ input: child.stdout! }).once('line', resolve),
    );
    const client = testClient(`${url}/v1`);
    const refund = await client.chat.completions.create(
      ask('tickets@prod', 'I want a refund, write to me@example.com'),
    );
    const other = await client.chat.completions.create(ask('tickets@prod', 'The app crashes when I open settings'));
    await client.chat.completions.create(ask('gpt-4o-mini', 'not an alias: never captured'));
    const rate = (body: unknown) =>
      fetch(`${url}/v1/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await rate({ responseId: refund.id, rating: 5 })).status).toBe(200);
    expect((await rate({ responseId: other.id, rating: 1, correctedAnswer: 'bug_report' })).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const out = path.join(home, 'out', 'train.jsonl');
    const args = ['capture', 'export', '--alias', 'tickets@prod', '--format', 'sft', '--out', out, '--json'];
    const r = await runCli(args, { TAILOR_HOME: home });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: 2, examples: 2, unusable: 0 });
    const examples = fs
      .readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { messages: { role: string; content: string }[] });
    expect(examples.map((e) => e.messages.at(-1)!.content)).toEqual([refund.choices[0]!.message.content, 'bug_report']);
    expect(examples[0]!.messages[1]!.content).toBe('I want a refund, write to [EMAIL]');

    const dpo = await runCli(['capture', 'export', '--alias', 'tickets@prod', '--format', 'dpo', '--out', out], {
      TAILOR_HOME: home,
    });
    expect(dpo.code).toBe(0);
    expect(fs.readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(1);
  },
  60_000,
);
