import { ApplicationFailure } from '@temporalio/common';
import { ArtifactStore } from '../../stores/artifacts/artifactStore';
import { validateDataset } from '../../activities/dataset/validateDataset';
import { validateFile } from '../../activities/dataset/validateFile';
import { DatasetValidator } from '../../core/dataset/datasetValidator';
import { LineSplitter } from '../../core/dataset/lineSplitter';
import type { ValidationReport } from '../../core/dataset/validationReport';
import { chatLines, useTmpHome, writeJsonl } from './support';
import { Failure } from '../../core/failures/failureTypes';

const tmp = useTmpHome();

/** Validates in memory with a fixed "today", so shutdown warnings are deterministic. */
function validateText(text: string, model: string, today: string): ValidationReport {
  const v = new DatasetValidator({ model, method: 'supervised', today });
  const s = new LineSplitter((l) => v.addLine(l));
  s.push(Buffer.from(text));
  s.end();
  return v.finish(s.stats);
}

describe('validateDataset activity', () => {
  test('summary for history, full report as an artifact; idempotent', async () => {
    const store = new ArtifactStore();
    const ref = await store.putFile(writeJsonl(tmp.dir(), 'ok.jsonl', chatLines(60)), { name: 'ok.jsonl', count: 60 });
    const a = await validateDataset({
      dataset: ref,
      model: 'gpt-4.1-mini-2025-04-14',
      method: 'supervised',
      epochs: 2,
    });
    expect(a).toMatchObject({ valid: true, examples: 60, errors: {}, errorSamples: [] });
    expect(a.estimate).toMatchObject({ epochs: 2, pricePerMillion: 5, model: 'gpt-4.1-mini-2025-04-14' });
    expect(a.estimate.billedTokens).toBe(a.tokens.billed * 2);
    const report = await store.readJson<ValidationReport>(a.report);
    expect(report).toMatchObject({
      valid: true,
      examples: 60,
      encoding: 'o200k_base',
      labels: { billing: 20, shipping: 20, technical_issue: 20 },
    });
    const b = await validateDataset({
      dataset: ref,
      model: 'gpt-4.1-mini-2025-04-14',
      method: 'supervised',
      epochs: 2,
    });
    expect(b).toEqual(a);
  });

  test(
    'invalid content returns valid:false with at most ' + '20 samples, the first of every category included',
    async () => {
      const store = new ArtifactStore();
      const lines = [...chatLines(10), ...Array.from({ length: 30 }, () => '{oops'), '42'];
      const ref = await store.putFile(writeJsonl(tmp.dir(), 'bad.jsonl', lines));
      const s = await validateDataset({
        dataset: ref,
        model: 'gpt-4o-mini',
        method: 'supervised',
        pricing: { 'gpt-4o-mini': { perMillionTokens: 10 } },
      });
      expect(s.valid).toBe(false);
      expect(s.errors).toEqual({ invalid_json: 30, data_type: 1 });
      expect(s.errorSamples).toHaveLength(20);
      expect(s.errorSamples.map((x) => x.category)).toContain('data_type');
      expect(s.errorSamples.at(-1)).toMatchObject({ line: 41, category: 'data_type' });
      expect(s.estimate.pricePerMillion).toBe(10);
      const full = await store.readJson<ValidationReport>(s.report);
      expect(full.errorSamples.filter((x) => x.category === 'invalid_json')).toHaveLength(20);
    },
  );

  test('a missing artifact is a non-retryable ArtifactNotFound, not a crash', async () => {
    const sha = 'f'.repeat(64);
    const err = await validateDataset({
      dataset: { uri: `artifact:sha256:${sha}`, sha256: sha, bytes: 1 },
      model: 'gpt-4o-mini',
      method: 'supervised',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe(Failure.ArtifactNotFound);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
  });
});

describe('model warnings', () => {
  const text = chatLines(60).join('\n') + '\n';
  test('a base model past its shutdown date is flagged; one close to it too', () => {
    expect(validateText(text, 'gpt-3.5-turbo-0125', '2026-11-28').warnings.join('\n')).toMatch(
      /was shut down on 2026-10-23/,
    );
    expect(validateText(text, 'gpt-4.1-nano-2025-04-14', '2026-09-01').warnings.join('\n')).toMatch(
      /shuts down on 2026-10-23 \(in 52 days\)/,
    );
    expect(validateText(text, 'gpt-4.1-2025-04-14', '2026-11-28').warnings.join('\n')).not.toMatch(/shut/);
  });
  test('an unknown model is assumed o200k with a warning, and has no price', () => {
    const r = validateText(text, 'my-local-model', '2026-11-28');
    expect(r.encoding).toBe('o200k_base');
    expect(r.warnings.join('\n')).toMatch(/unknown model 'my-local-model'/);
    expect(r.estimate).toMatchObject({ usd: 0, pricePerMillion: 0 });
  });
  test('a non-boolean parallel_tool_calls is invalid_tools', async () => {
    const r = await validateFile(
      writeJsonl(tmp.dir(), 'ptc.jsonl', [
        ...chatLines(10),
        {
          parallel_tool_calls: 'yes',
          messages: [
            { role: 'user', content: 'a' },
            { role: 'assistant', content: 'b' },
          ],
        },
      ]),
      { model: 'gpt-4o-mini', method: 'supervised' },
    );
    expect(r.errorSamples).toEqual([expect.objectContaining({ line: 11, category: 'invalid_tools' })]);
  });
});
