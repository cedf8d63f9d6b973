import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../support/runCli';
import { testTemporalAddress, uniqueTaskQueue } from '../support/temporal';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'support-tickets');
const SUITE = path.join(EXAMPLE, 'eval', 'suite.yaml');

/** `tailor eval` as a user runs it: a child process against the test's Temporal server, with the local backend. */
describe('tailor eval', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-evalcli-'));
    // Empty provider variables: the command starts the local backend, as on a machine without OpenAI settings.
    env = {
      TEMPORAL_ADDRESS: testTemporalAddress(),
      TAILOR_TASK_QUEUE: uniqueTaskQueue('evalcli'),
      TAILOR_HOME: path.join(dir, 'home'),
      OPENAI_BASE_URL: '',
      OPENAI_API_KEY: '',
    };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints the leaderboard and the gate, writes the HTML report, exits 0 when the gate passes', async () => {
    const html = path.join(dir, 'report.html');
    const r = await runCli(['eval', SUITE, '--model', 'gpt-4o-mini-2024-07-18', '--html', html], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 +5 nearest examples \* +gpt-4o-mini-2024-07-18 +0\.[89]\d\d/);
    expect(r.stdout).toMatch(/2 +zero-shot prompt \(baseline\)/);
    expect(r.stdout).toContain('gate PASSED for few-shot');
    expect(r.stdout).toMatch(/few-shot vs zero-shot on accuracy: \+0\.\d+ \[0\.\d+, 0\.\d+\] at 95%, McNemar p=/);
    expect(fs.readFileSync(html, 'utf8')).toMatch(/^<!doctype html>[\s\S]*Confusion matrix/);
  });

  it('exits 1 when the suite fails its gate; --json prints the decision and its numbers', async () => {
    const suite = {
      name: 'strict',
      cases: { file: path.join(EXAMPLE, 'data', 'tickets.jsonl'), limit: 24 },
      prompt: path.join(EXAMPLE, 'prompts', 'classify.yaml'),
      assert: [{ type: 'classification' }],
      gate: ['accuracy >= 0.9'],
    };
    const file = path.join(dir, 'strict.yaml');
    fs.writeFileSync(file, stringify(suite));
    const r = await runCli(['eval', file, '--model', 'gpt-4o-mini-2024-07-18', '--json'], env);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      ok: boolean;
      passed: boolean;
      gate: { rules: { rule: string; actual: number; threshold: number; passed: boolean }[] };
    };
    expect(out.ok).toBe(true);
    expect(out.passed).toBe(false);
    expect(out.gate.rules[0]).toMatchObject({ rule: 'accuracy >= 0.9', threshold: 0.9, passed: false });
    expect(out.gate.rules[0]!.actual).toBeLessThan(0.9);
  });

  it('exits 2 on a bad suite file, naming the file, line and key, before starting anything', async () => {
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(
      file,
      [
        'name: bad',
        'cases: { file: nowhere.jsonl }',
        'assert:',
        '  - type: regex',
        '    pattern: "("',
        'gate:',
        '  - accuracy is high',
        'colour: blue',
        '',
      ].join('\n'),
    );
    const r = await runCli(['eval', file, '--model', 'm'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:5: assert.0.pattern: not a valid regular expression`);
    expect(r.stderr).toContain(`${file}:7: gate.0: expected a rule such as "accuracy >= 0.85"`);
    expect(r.stderr).toContain(`${file}:8: colour: unknown key 'colour'`);
    const missing = path.join(dir, 'missing.yaml');
    fs.writeFileSync(missing, 'name: m\ncases: { file: nowhere.jsonl }\n');
    const r2 = await runCli(['eval', missing], env);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`${missing}:2: cases.file: no such file: ${path.join(dir, 'nowhere.jsonl')}`);
    expect(r2.stderr).toContain('variants: no variants: list some here or give --model');
  });
});
