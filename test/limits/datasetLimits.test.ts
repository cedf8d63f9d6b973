import fs from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { stringify } from 'yaml';
import { prepareDataset } from '../../activities/dataset/prepareDataset';
import { validateDataset } from '../../activities/dataset/validateDataset';
import { ArtifactStore } from '../../stores/artifacts/artifactStore';
import { DatasetSpecSchema } from '../../core/spec/datasetSpec';
import { loadSpec, SpecError } from '../../config/loadSpec';
import { DEFAULT_DATASET_LIMITS } from '../../core/dataset/datasetLimits';
import { chatLines, useTmpHome, writeJsonl } from '../dataset/support';
import { runCli } from '../support/runCli';
import { Failure } from '../../core/failures/failureTypes';

/**
 * Dataset size limits: each has a default, a spec key (`dataset.limits`) and a CLI flag, and going
 * over one names the place and the key, exits non-zero and stores nothing.
 */
const tmp = useTmpHome();
const NO_STACK = /\n\s+at /;
const home = () => path.join(tmp.dir(), 'home');
const cli = (args: string[]) => runCli(args, { TAILOR_HOME: home() });
/** Everything under the artifact store: nothing may appear when a limit refuses a file. */
const storedFiles = () =>
  fs.existsSync(path.join(home(), 'artifacts'))
    ? fs.readdirSync(path.join(home(), 'artifacts'), { recursive: true })
    : [];

async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('dataset limits', () => {
  let file = '';
  let bytes = 0;
  let firstLineBytes = 0;
  beforeAll(() => {
    file = writeJsonl(tmp.dir(), 'sixty.jsonl', chatLines(60));
    bytes = fs.statSync(file).size;
    firstLineBytes = Buffer.byteLength(chatLines(1)[0]!);
  });

  test('defaults: 32 MiB lines, 2 GiB files, 2,000,000 examples', () => {
    expect(DEFAULT_DATASET_LIMITS).toEqual({
      maxLineBytes: 32 * 1024 * 1024,
      maxFileBytes: 2 * 1024 ** 3,
      maxExamples: 2_000_000,
      maxRejectedFraction: 0.5,
    });
  });

  describe('tailor validate', () => {
    test(
      '--max-file-bytes: "FILE: N bytes exceeds the ' + 'M-byte limit (dataset.limits.maxFileBytes)", ' + 'exit 1',
      async () => {
        const r = await cli(['validate', file, '--max-file-bytes', '1K']);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain(
          `tailor validate: ${file}: ${bytes} bytes exceeds the 1024-byte limit (dataset.limits.maxFileBytes)`,
        );
        expect(r.stderr).not.toMatch(NO_STACK);
      },
    );

    test('--max-examples: "FILE:LINE: more than N examples (dataset.limits.maxExamples)", exit 1', async () => {
      const r = await cli(['validate', file, '--max-examples', '20']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${file}:21: more than 20 examples (dataset.limits.maxExamples)`);
      expect(r.stderr).not.toMatch(NO_STACK);
    });

    test('--max-line-bytes: every longer line is a line_too_long error naming the key, exit 1', async () => {
      const r = await cli(['validate', file, '--max-line-bytes', '100']);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(
        `line 1: [line_too_long] line of ${firstLineBytes} bytes exceeds the 100-byte limit ` +
          `(dataset.limits.maxLineBytes); skipped`,
      );
    });

    test('a bad limit value is a usage error (exit 2)', async () => {
      const r = await cli(['validate', file, '--max-file-bytes', 'lots']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        "--max-file-bytes expects a positive whole number (optionally with K, M or G), got 'lots'",
      );
    });

    test('under the limits the same file is valid', async () => {
      const r = await cli([
        'validate',
        file,
        '--max-file-bytes',
        String(bytes),
        '--max-examples',
        '60',
        '--max-line-bytes',
        String(firstLineBytes + 50),
      ]);
      expect(r.code).toBe(0);
    });
  });

  describe('tailor prep', () => {
    const rel = () => path.relative(process.cwd(), file);
    test.each([
      [
        '--max-file-bytes',
        '2000',
        () => `${rel()}: ${bytes} bytes exceeds the 2000-byte limit (dataset.limits.maxFileBytes)`,
      ],
      ['--max-examples', '30', () => `${rel()}:31: more than 30 examples (dataset.limits.maxExamples)`],
      [
        '--max-line-bytes',
        '100',
        () => `${rel()}:1: line of ${firstLineBytes} bytes exceeds the 100-byte limit (dataset.limits.maxLineBytes)`,
      ],
    ])('%s %s: exit 1 with the place and the key, nothing stored', async (flag, value, message) => {
      const r = await cli(['prep', file, flag, value, '--out', path.join(tmp.dir(), 'out')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`tailor prep: ${message()}`);
      expect(r.stderr).not.toMatch(NO_STACK);
      expect(storedFiles()).toEqual([]);
      expect(fs.existsSync(path.join(tmp.dir(), 'out'))).toBe(false);
    });
  });

  describe('the pipeline spec (dataset.limits) and the activities', () => {
    test('a spec sets the limits; a bad value is refused with its key and line', () => {
      const dir = tmp.dir();
      const specFile = path.join(dir, 'pipeline.yaml');
      const spec = {
        name: 'limited',
        baseModel: 'gpt-4o-mini-2024-07-18',
        dataset: { path: 'sixty.jsonl', limits: { maxExamples: 30 } },
        fineTune: {},
      };
      fs.writeFileSync(specFile, stringify(spec));
      expect(loadSpec(specFile).spec.dataset.limits).toEqual({ maxExamples: 30 });

      fs.writeFileSync(specFile, stringify({ ...spec, dataset: { ...spec.dataset, limits: { maxLineBytes: -5 } } }));
      expect(() => loadSpec(specFile)).toThrow(SpecError);
      expect(() => loadSpec(specFile)).toThrow(/dataset\.limits\.maxLineBytes/);
    });

    test('prepareDataset enforces the spec limits as a non-retryable InvalidDataset, storing nothing', async () => {
      const over = (limits: object) =>
        prepareDataset({ dataset: DatasetSpecSchema.parse({ path: file, limits }), model: 'gpt-4o-mini-2024-07-18' });
      const big = await failure(over({ maxFileBytes: 500 }));
      expect(big.type).toBe(Failure.InvalidDataset);
      expect(big.nonRetryable).toBe(true);
      expect(big.message).toMatch(/: \d+ bytes exceeds the 500-byte limit \(dataset\.limits\.maxFileBytes\)$/);
      expect((await failure(over({ maxExamples: 10 }))).message).toMatch(
        /sixty\.jsonl:11: more than 10 examples \(dataset\.limits\.maxExamples\)$/,
      );
      expect((await failure(over({ maxLineBytes: 64 }))).message).toMatch(
        /sixty\.jsonl:1: line of \d+ bytes exceeds the 64-byte limit \(dataset\.limits\.maxLineBytes\)$/,
      );
      expect(storedFiles()).toEqual([]);

      const ok = await over({ maxExamples: 60, maxFileBytes: bytes, maxLineBytes: firstLineBytes + 50 });
      expect(ok.counts.input).toBe(60);
    });

    test('validateDataset (the activity) takes the same limits and fails as InvalidDataset', async () => {
      const artifact = await new ArtifactStore().put(fs.readFileSync(file), { name: 'train.jsonl', count: 60 });
      const v = (limits: object) =>
        validateDataset({ dataset: artifact, model: 'gpt-4o-mini-2024-07-18', method: 'supervised', limits });
      const err = await failure(v({ maxExamples: 12 }));
      expect(err.type).toBe(Failure.InvalidDataset);
      expect(err.message).toBe('train.jsonl:13: more than 12 examples (dataset.limits.maxExamples)');
      expect((await failure(v({ maxFileBytes: 100 }))).message).toBe(
        `train.jsonl: ${bytes} bytes exceeds the 100-byte limit (dataset.limits.maxFileBytes)`,
      );
      expect((await v({ maxLineBytes: 64 })).errors).toEqual({ line_too_long: 60 });
      expect((await v({})).valid).toBe(true);
    });
  });
});
