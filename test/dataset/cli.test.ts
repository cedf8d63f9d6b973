import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chatLines, FIXTURES, TICKETS, useTmpHome, writeJsonl } from './support';

const tmp = useTmpHome();
const ROOT = path.join(__dirname, '..', '..');

/** Runs the real `tailor` entry point in a child process (tsx's loader, as `npm start` does). */
function tailor(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bin', 'tailor.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TAILOR_HOME: path.join(tmp.dir(), 'home') },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tailor validate', () => {
  test('exit 0 and a readable table for a valid file', () => {
    const file = writeJsonl(tmp.dir(), 'ok.jsonl', chatLines(60));
    const r = tailor('validate', file, '--model', 'gpt-4.1-mini-2025-04-14');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/VALID: 60 examples/);
    expect(r.stdout).toMatch(/assistant tokens/);
    expect(r.stdout).toMatch(/estimated cost\s+\$\d+\.\d\d/);
  });

  test('exit 1 and a JSON report with every field for an invalid file', () => {
    const r = tailor('validate', path.join(FIXTURES, 'non-object.jsonl'), '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(['valid', 'examples', 'errors', 'errorSamples', 'warnings', 'tokens', 'estimate']),
    );
    expect(report.valid).toBe(false);
    expect(report.errors).toEqual({ data_type: 4 });
  });

  test('exit 1 with valid JSON for invalid UTF-8 and an empty file', () => {
    for (const f of ['invalid-utf8.jsonl', 'empty.jsonl']) {
      const r = tailor('validate', path.join(FIXTURES, f), '--json');
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).valid).toBe(false);
    }
  });

  test('exit 2 on usage errors: no file, missing file, bad method, unknown option', () => {
    expect(tailor('validate').code).toBe(2);
    expect(tailor('validate', path.join(tmp.dir(), 'nope.jsonl')).code).toBe(2);
    const bad = tailor('validate', path.join(FIXTURES, 'bom.jsonl'), '--method', 'rlhf');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--method must be one of/);
    expect(tailor('validate', path.join(FIXTURES, 'bom.jsonl'), '--frobnicate').code).toBe(2);
  });

  test('--pricing overrides the price table; --epochs overrides the default rule', () => {
    const pricing = path.join(tmp.dir(), 'pricing.yaml');
    fs.writeFileSync(pricing, 'gpt-4.1-mini:\n  perMillionTokens: 1000\n');
    const file = writeJsonl(tmp.dir(), 'priced.jsonl', chatLines(60));
    const r = tailor(
      'validate',
      file,
      '--model',
      'gpt-4.1-mini-2025-04-14',
      '--pricing',
      pricing,
      '--epochs',
      '2',
      '--json',
    );
    const report = JSON.parse(r.stdout);
    expect(report.estimate).toMatchObject({ epochs: 2, epochsSource: 'given', pricePerMillion: 1000 });
    expect(report.estimate.billedTokens).toBe(report.tokens.billed * 2);
    expect(report.estimate.usd).toBeCloseTo((report.tokens.billed * 2 * 1000) / 1e6, 2);
  });
});

describe('tailor prep', () => {
  const haveTickets = fs.existsSync(TICKETS);
  (haveTickets ? test : test.skip)('prepares the support-tickets example and copies outputs with --out', () => {
    const out = path.join(tmp.dir(), 'prep-out');
    const r = tailor('prep', TICKETS, '--out', out, '--json');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.counts.input).toBe(480);
    expect(fs.readdirSync(out).sort()).toEqual(['manifest.json', 'test.jsonl', 'train.jsonl', 'validation.jsonl']);
    const trainLines = fs.readFileSync(path.join(out, 'train.jsonl'), 'utf8').trim().split('\n');
    expect(trainLines).toHaveLength(result.counts.train);
  });

  test('exit 1 with a message when nothing is usable; exit 2 on usage errors', () => {
    const r = tailor('prep', path.join(FIXTURES, 'empty.jsonl'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no usable examples/);
    expect(tailor('prep').code).toBe(2);
    expect(tailor('prep', path.join(FIXTURES, 'bom.jsonl'), '--test', '0.9').code).toBe(2);
  });
});
