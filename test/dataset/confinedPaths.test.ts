/**
 * Workers check spec paths too (a run may come from a client that skipped the spec checks): reading a file outside the
 * allowed roots fails non-retryably, symlinks included. Samples of rejected lines reach history as line, reason and
 * a hash only; the lines' content stays in the artifact store.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { ArtifactStore } from '../../stores/artifacts/artifactStore';
import { PATH_NOT_ALLOWED } from '../../activities/confinedPath';
import { prepareDataset } from '../../activities/dataset/prepareDataset';
import { validateDataset } from '../../activities/dataset/validateDataset';
import { fingerprintDataset } from '../../activities/operations/fingerprintDataset';
import { DatasetSpecSchema } from '../../core/spec/datasetSpec';
import type { ValidationReport } from '../../core/dataset/validationReport';
import { chatLines, useTmpHome, writeJsonl } from './support';

const tmp = useTmpHome();
const MODEL = 'gpt-4o-mini-2024-07-18';
const MARKER = 'hunter2-secret-line-content';

const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as ApplicationFailure,
  );

describe('workers refuse spec paths outside their allowed roots', () => {
  test.each([
    ['an absolute system file', () => '/etc/passwd'],
    [
      'a symlink leading out',
      () => {
        const link = path.join(tmp.dir(), 'innocent.jsonl');
        if (!fs.existsSync(link)) fs.symlinkSync('/etc/passwd', link);
        return link;
      },
    ],
  ])('prepareDataset: %s → non-retryable PathNotAllowed, nothing read', async (_name, target) => {
    const err = await failureOf(prepareDataset({ dataset: DatasetSpecSchema.parse({ path: target() }), model: MODEL }));
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: PATH_NOT_ALLOWED, nonRetryable: true });
    expect(err!.message).toMatch(/^dataset\.path: .*\/etc\/passwd.* is outside the allowed roots \(.+\); /);
    expect(err!.message).toContain('TAILOR_ALLOWED_ROOTS');
    expect(err!.message).not.toContain('root:x:0:0');
  });

  test('fingerprintDataset (watchers, schedules) refuses too', async () => {
    const err = await failureOf(fingerprintDataset({ path: '/etc/passwd' }));
    expect(err).toMatchObject({ type: PATH_NOT_ALLOWED, nonRetryable: true });
  });

  test('a file inside the roots is read as before', async () => {
    const file = writeJsonl(tmp.dir(), 'ok.jsonl', chatLines(12));
    const r = await prepareDataset({ dataset: DatasetSpecSchema.parse({ path: file }), model: MODEL });
    expect(r.counts).toMatchObject({ input: 12, kept: 12 });
  });
});

describe('samples of rejected lines carry no content into history', () => {
  test('prepareDataset: the failure lists line, reason and a hash; the message quotes nothing', async () => {
    const file = writeJsonl(
      tmp.dir(),
      'all-bad.jsonl',
      [1, 2, 3].map((i) => `{"messages": ${MARKER}-${i}}`),
    );
    const err = await failureOf(prepareDataset({ dataset: DatasetSpecSchema.parse({ path: file }), model: MODEL }));
    expect(err).toBeInstanceOf(ApplicationFailure);
    const details = JSON.stringify(err!.details);
    expect(details).not.toContain('hunter2');
    expect(err!.message).not.toContain('hunter2');
    const [first] = (err!.details as [{ removedSamples: unknown[] }])[0].removedSamples as Record<string, unknown>[];
    expect(first).toEqual({ line: 1, reason: 'invalid_json', detailSha256: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  test('validateDataset: the summary (history) holds no content; the report artifact keeps the details', async () => {
    const store = new ArtifactStore();
    const lines = [...chatLines(12), `{"messages": ${MARKER}}`];
    const file = writeJsonl(tmp.dir(), 'one-bad.jsonl', lines);
    const ref = await store.putFile(file, { name: 'one-bad.jsonl', count: 13 });
    const summary = await validateDataset({ dataset: ref, model: MODEL, method: 'supervised' });
    expect(summary.errorSamples).toHaveLength(1);
    expect(summary.errorSamples[0]).toMatchObject({ line: 13, category: 'invalid_json' });
    const withheld = /the line is not valid JSON \(detail in the validation report; sha256 [0-9a-f]{16}\)/;
    expect(summary.errorSamples[0]!.message).toMatch(withheld);
    expect(JSON.stringify(summary)).not.toContain('hunter2');
    const report = await store.readJson<ValidationReport>(summary.report);
    expect(report.errorSamples[0]!.message).toContain('hunter2');
  });
});
