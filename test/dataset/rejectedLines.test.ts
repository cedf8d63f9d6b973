import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { prepareDataset } from '../../activities/dataset/prepareDataset';
import { INVALID_DATASET } from '../../activities/dataset/invalidDataset';
import { DatasetSpecSchema } from '../../core/spec/datasetSpec';
import { chatLines, useTmpHome, writeFile, writeJsonl } from './support';

const tmp = useTmpHome();
const ROOT = path.join(__dirname, '..', '..');
const MODEL = 'gpt-4o-mini-2024-07-18';
const BOM = '\uFEFF';

function tailor(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bin', 'tailor.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TAILOR_HOME: path.join(tmp.dir(), 'home') },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('a byte-order mark on every line', () => {
  test('prep strips it from every line and keeps all 20 examples', async () => {
    const file = writeFile(
      tmp.dir(),
      'bom-every-line.jsonl',
      chatLines(20)
        .map((l) => BOM + l)
        .join('\n') + '\n',
    );
    const r = await prepareDataset({ dataset: DatasetSpecSchema.parse({ path: file }), model: MODEL });
    expect(r.counts).toMatchObject({ input: 20, kept: 20, removed: {} });
  });

  test('tailor prep exits 0 with 20 kept', () => {
    const file = writeFile(
      tmp.dir(),
      'bom-cli.jsonl',
      chatLines(20, 100)
        .map((l) => BOM + l)
        .join('\r\n') + '\r\n',
    );
    const r = tailor('prep', file);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('20 read, 20 kept');
  });
});

describe('dataset.limits.maxRejectedFraction', () => {
  const mostlyBad = () => [...chatLines(3, 200), ...Array.from({ length: 7 }, (_, i) => `{"messages": [broken ${i}`)];

  test('prep fails non-retryably when most lines are not examples, with the counts and the key to raise', async () => {
    const file = writeJsonl(tmp.dir(), 'mostly-bad.jsonl', mostlyBad());
    const err = await prepareDataset({ dataset: DatasetSpecSchema.parse({ path: file }), model: MODEL }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: INVALID_DATASET, nonRetryable: true });
    const msg = (err as Error).message;
    expect(msg).toContain('7 of 10 lines (70%) are not usable examples (invalid_json: 7; first at line 4)');
    expect(msg).toContain('dataset.limits.maxRejectedFraction 0.5');
    expect(msg).not.toContain('broken'); // counts and line numbers, never the lines' content
  });

  test('the limit can be raised; duplicates never count against it', async () => {
    const file = writeJsonl(tmp.dir(), 'mostly-bad-ok.jsonl', mostlyBad());
    const dataset = DatasetSpecSchema.parse({ path: file, limits: { maxRejectedFraction: 0.8 } });
    const r = await prepareDataset({ dataset, model: MODEL });
    expect(r.counts).toMatchObject({ input: 10, kept: 3 });
    const one = chatLines(1, 300)[0]!;
    const dups = writeJsonl(tmp.dir(), 'dups.jsonl', [...chatLines(2, 400), ...Array.from({ length: 8 }, () => one)]);
    const d = await prepareDataset({ dataset: DatasetSpecSchema.parse({ path: dups }), model: MODEL });
    expect(d.counts).toMatchObject({ input: 10, kept: 3, removed: { exact_duplicate: 7 } });
  });

  test('the spec refuses a fraction outside 0..1', () => {
    expect(DatasetSpecSchema.safeParse({ path: 'x', limits: { maxRejectedFraction: 1.5 } }).success).toBe(false);
  });

  test('tailor prep says so with counts and exits 1, storing nothing', () => {
    const file = writeJsonl(tmp.dir(), 'mostly-bad-cli.jsonl', mostlyBad());
    const store = path.join(tmp.dir(), 'home', 'artifacts');
    const stored = () => (fs.existsSync(store) ? fs.readdirSync(store, { recursive: true }).length : 0);
    const before = stored();
    const r = tailor('prep', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tailor prep: .*mostly-bad-cli\.jsonl: 7 of 10 lines \(70%\) are not usable examples/);
    expect(stored()).toBe(before);
  });
});
