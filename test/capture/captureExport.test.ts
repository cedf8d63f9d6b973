/**
 * `tailor capture export` as a process: captured rows of one alias become sft or dpo training data (ratings from
 * feedback, --min-rating, --since, --limit), written whole; bad input is a usage error naming the option, and
 * leaves no file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { captureRow } from '../../core/capture/captureRow';
import { CaptureSettingsSchema } from '../../core/capture/captureSettings';
import { CaptureStore } from '../../stores/capture/captureStore';
import { runCli } from '../support/runCli';

let dir: string;
let env: NodeJS.ProcessEnv;
const settings = CaptureSettingsSchema.parse({});
const DAY = 86_400_000;

const chat = (id: string, question: string, answer: string) => ({
  alias: 'tickets@prod',
  requestedModel: 'tickets@prod',
  model: 'gpt-4o-mini',
  variant: 'primary',
  stream: false,
  request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }] },
  response: {
    id,
    choices: [{ message: { role: 'assistant', content: answer } }],
    usage: { prompt_tokens: 10, completion_tokens: 2 },
  },
  latencyMs: 5,
});

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-capture-export-'));
  env = { TAILOR_HOME: dir, TAILOR_CAPTURE_DB: path.join(dir, 'capture.db') };
  const store = new CaptureStore(path.join(dir, 'capture.db'));
  const now = Date.now();
  const rows = [
    captureRow(chat('r1', 'I want my money back for order 1', 'refund_request'), settings, now - 3 * DAY),
    captureRow(chat('r2', 'The app crashes when I log in', 'other'), settings, now - 2 * DAY),
    captureRow(chat('r3', 'Where is the settings page?', 'other'), settings, now - 1000),
    captureRow(chat('r4', 'Please refund my duplicate charge', 'refund_request'), settings, now - 500),
    captureRow({ ...chat('x1', 'Other alias question', 'other'), alias: 'tickets@dev' }, settings, now),
  ];
  store.insert(rows.map((r) => r!));
  store.rate({ responseId: 'r1', rating: 'up' });
  store.rate({ responseId: 'r2', rating: 'down', correctedAnswer: 'bug_report' });
  store.rate({ responseId: 'r3', rating: 2 });
  store.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const lines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const lastAnswer = (e: Record<string, unknown>) => (e.messages as { content: string }[]).at(-1)!.content;

test('sft: every captured answer of the alias, a correction replacing its answer', async () => {
  const out = path.join(dir, 'sft.jsonl');
  const r = await runCli(
    ['capture', 'export', '--alias', 'tickets@prod', '--format', 'sft', '--out', out, '--json'],
    env,
  );
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ rows: 4, examples: 4, unusable: 0 });
  const examples = lines(out);
  expect(examples.map(lastAnswer)).toEqual(['refund_request', 'bug_report', 'other', 'refund_request']);
  expect(examples[0]!.messages).toEqual([
    { role: 'user', content: 'I want my money back for order 1' },
    { role: 'assistant', content: 'refund_request' },
  ]);
});

test('--min-rating keeps rated-high and corrected answers; --since and --limit narrow the rows', async () => {
  const out = path.join(dir, 'rated.jsonl');
  const args = ['capture', 'export', '--alias', 'tickets@prod', '--format', 'sft', '--out', out];
  expect((await runCli([...args, '--min-rating', '4'], env)).code).toBe(0);
  expect(lines(out).map(lastAnswer)).toEqual(['refund_request', 'bug_report']);
  expect((await runCli([...args, '--since', '1d'], env)).code).toBe(0);
  expect(lines(out)).toHaveLength(2);
  const limited = await runCli([...args, '--limit', '3', '--json'], env);
  expect(JSON.parse(limited.stdout)).toMatchObject({ rows: 3, examples: 3 });
});

test('dpo: a correction is preferred over the captured answer', async () => {
  const out = path.join(dir, 'dpo.jsonl');
  const r = await runCli(['capture', 'export', '--alias', 'tickets@prod', '--format', 'dpo', '--out', out], env);
  expect(r.code).toBe(0);
  expect(lines(out)).toEqual([
    {
      input: { messages: [{ role: 'user', content: 'The app crashes when I log in' }] },
      preferred_output: [{ role: 'assistant', content: 'bug_report' }],
      non_preferred_output: [{ role: 'assistant', content: 'other' }],
    },
  ]);
});

test.each([
  [['--alias', 'tickets', '--format', 'sft'], /--alias expects NAME@ALIAS/],
  [['--alias', 'tickets@prod', '--format', 'csv'], /--format must be sft or dpo, got 'csv'/],
  [['--alias', 'tickets@prod', '--format', 'sft', '--min-rating', '7'], /--min-rating must be 1-5, got 7/],
  [['--alias', 'tickets@prod', '--format', 'sft', '--since', 'yesterday'], /--since expects a duration/],
])('bad input %j is a usage error naming the option; no file written', async (args, message) => {
  const out = path.join(dir, 'bad.jsonl');
  const r = await runCli(['capture', 'export', ...args, '--out', out], env);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(fs.existsSync(out)).toBe(false);
});
