/**
 * `tailor local-openai` as a process: the base URL is the first stdout line, the flags take
 * effect, SIGTERM closes it cleanly with exit 0, and a bad flag is a usage error (exit 2).
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import OpenAI from 'openai';
import { tempDataDir, testClient } from './support/backend';

const BIN = path.resolve(__dirname, '../../bin/tailor.js');

test('serves until SIGTERM, honouring --data-dir, --faults and --rate-limit', async () => {
  const dataDir = tempDataDir();
  const child = spawn(
    process.execPath,
    [BIN, 'local-openai', '--port', '0', '--data-dir', dataDir, '--faults', 'chat=500#1', '--rate-limit', '100,100000'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const firstLine = await new Promise<string>((resolve) =>
    readline.createInterface({ input: child.stdout! }).once('line', resolve),
  );
  expect(firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  const client = testClient(firstLine);
  const ask = () =>
    client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
  await expect(ask()).rejects.toBeInstanceOf(OpenAI.InternalServerError);
  const { response } = await ask();
  expect(response.headers.get('x-ratelimit-limit-requests')).toBe('100');
  expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('100000');
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
});

test('a bad flag is a usage error', () => {
  const r = spawnSync(process.execPath, [BIN, 'local-openai', '--faults', 'chat=teapot'], { encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/unknown fault kind/);
});
