import fs from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { ArtifactStore } from '../../stores/artifacts/artifactStore';
import { prepareDataset, type PreparedDataset } from '../../activities/dataset/prepareDataset';
import { validateDataset } from '../../activities/dataset/validateDataset';
import { DatasetSpecSchema, type DatasetSpecInput } from '../../core/spec/datasetSpec';
import type { PrepManifest } from '../../core/dataset/prepManifest';
import { chatExample, chatLines, TICKETS, useTmpHome, writeFile, writeJsonl } from './support';
import { Failure } from '../../core/failures/failureTypes';

const tmp = useTmpHome();
const MODEL = 'gpt-4o-mini-2024-07-18';
const prep = (spec: DatasetSpecInput) => prepareDataset({ dataset: DatasetSpecSchema.parse(spec), model: MODEL });
const readLines = async (ref: { sha256: string }) => {
  const text = await new ArtifactStore().readText(ref);
  return text === '' ? [] : text.trimEnd().split('\n');
};
const manifestOf = async (p: PreparedDataset) => new ArtifactStore().readJson<PrepManifest>(p.manifest);

async function expectInvalidDataset(promise: Promise<unknown>, message: RegExp) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect((err as ApplicationFailure).type).toBe(Failure.InvalidDataset);
  expect((err as ApplicationFailure).nonRetryable).toBe(true);
  expect((err as ApplicationFailure).message).toMatch(message);
}

const haveTickets = fs.existsSync(TICKETS);
(haveTickets ? describe : describe.skip)('the support-tickets example', () => {
  let p: PreparedDataset;
  beforeAll(async () => {
    p = await prep({ path: TICKETS });
  });

  test('duplicates and near-duplicates removed, emails scrubbed, counts add up', async () => {
    const c = p.counts;
    expect(c.input).toBe(480);
    expect(c.removed.exact_duplicate).toBeGreaterThan(0);
    expect(c.removed.near_duplicate).toBeGreaterThan(0);
    expect(c.piiScrubbed.email).toBeGreaterThan(0);
    expect(c.kept).toBe(c.input - Object.values(c.removed).reduce((a, b) => a + b, 0));
    expect(c.train + c.validation + c.test).toBe(c.kept);
    const all = [...(await readLines(p.train)), ...(await readLines(p.validation)), ...(await readLines(p.test))].join(
      '\n',
    );
    expect(all).not.toMatch(/@example\.com/);
    expect(all).toMatch(/\[EMAIL\]/);
  });

  test('test never overlaps train or validation, not even by user text', async () => {
    const userText = (l: string) =>
      (JSON.parse(l).messages as { role: string; content: string }[]).find((m) => m.role === 'user')!.content;
    const test = new Set((await readLines(p.test)).map(userText));
    for (const l of [...(await readLines(p.train)), ...(await readLines(p.validation))])
      expect(test.has(userText(l))).toBe(false);
  });

  test('the split is stratified: every label has its share in every split', async () => {
    const m = await manifestOf(p);
    expect(m.stratified).toBe(true);
    const labels = Object.keys(m.labels!.train);
    expect(labels).toHaveLength(6);
    for (const label of labels) {
      const n = m.labels!.train[label]! + m.labels!.validation[label]! + m.labels!.test[label]!;
      expect(Math.abs(m.labels!.test[label]! - n * 0.2)).toBeLessThanOrEqual(1);
      expect(Math.abs(m.labels!.validation[label]! - n * 0.1)).toBeLessThanOrEqual(1);
    }
  });

  test('idempotent: the same input gives the same artifacts', async () => {
    const again = await prep({ path: TICKETS });
    expect(again).toEqual(p);
  });

  test('the manifest explains the run and the train split validates', async () => {
    const m = await manifestOf(p);
    expect(m.source.sha256).toBe(p.sourceSha256);
    expect(m.outputs.train.sha256).toBe(p.train.sha256);
    expect(m.removedSamples.length).toBe(Object.values(p.counts.removed).reduce((a, b) => a + b, 0));
    expect(m.removedSamples[0]).toMatchObject({
      reason: expect.stringMatching(/duplicate/),
      detail: expect.stringMatching(/line \d+/),
    });
    expect(m.tokens.train.perExample.min).toBeGreaterThan(0);
    const v = await validateDataset({ dataset: p.train, model: MODEL, method: 'supervised' });
    expect(v.valid).toBe(true);
    expect(v.examples).toBe(p.counts.train);
    expect(v.estimate.usd).toBeGreaterThan(0);
    const report = await new ArtifactStore().readJson<{ tokens: unknown }>(v.report);
    expect(report.tokens).toEqual(v.tokens);
  });
});

describe('preparation steps on synthetic data', () => {
  test(
    'normalisation makes whitespace/Unicode variants exact ' + 'duplicates; near-duplicates removed at the threshold',
    async () => {
      const base = chatExample(1);
      const msgs = base.messages as { role: string; content: string }[];
      const variant = {
        messages: msgs.map((m) =>
          m.role === 'user' ? { ...m, content: `  ${m.content.replace(/ /g, '\u00a0 ')}\r\n` } : m,
        ),
      };
      const near = {
        messages: msgs.map((m) => (m.role === 'user' ? { ...m, content: m.content.replace(/\.$/, '!') } : m)),
      };
      const file = writeJsonl(tmp.dir(), 'dups.jsonl', [...chatLines(20), variant, near]);
      const p = await prep({ path: file });
      expect(p.counts.removed).toEqual({ exact_duplicate: 1, near_duplicate: 1 });
      const off = await prep({ path: file, dedupe: { near: false } });
      expect(off.counts.removed).toEqual({ exact_duplicate: 1 });
    },
  );

  test('PII of every kind is scrubbed and counted per kind', async () => {
    const pii = {
      messages: [
        {
          role: 'user',
          content:
            'Reach me at ann.lee@mail.test or +44 20 7946 0958; card 4242 4242 4242 4242; from 10.0.0.7; key ' +
            ['sk', 'proj', 'AbC123dEf456GhI789jKl0'].join('-'), // made up, assembled so no key sits in the source
        },
        { role: 'assistant', content: 'billing' },
      ],
    };
    const p = await prep({ path: writeJsonl(tmp.dir(), 'pii.jsonl', [...chatLines(15), pii]) });
    expect(p.counts.piiScrubbed).toEqual({ email: 1, phone: 1, card: 1, ip: 1, secret: 1 });
    const text = [...(await readLines(p.train)), ...(await readLines(p.validation)), ...(await readLines(p.test))].join(
      '\n',
    );
    expect(text).toMatch(/\[EMAIL\] or \[PHONE\]; card \[CARD\]; from \[IP\]; key \[SECRET\]/);
    const kept = await prep({
      path: writeJsonl(tmp.dir(), 'pii2.jsonl', [...chatLines(15), pii]),
      pii: { scrub: false },
    });
    expect(kept.counts.piiScrubbed).toEqual({});
  });

  test('invalid records are removed with their error category; length filters apply', async () => {
    const long = {
      messages: [
        { role: 'user', content: 'please '.repeat(300) },
        { role: 'assistant', content: 'billing' },
      ],
    };
    const short = {
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'billing' },
      ],
    };
    const file = writeJsonl(tmp.dir(), 'mixed.jsonl', [
      ...chatLines(15),
      '{broken',
      '[1]',
      { messages: [{ role: 'user', content: 'x' }] },
      long,
      short,
    ]);
    const p = await prep({ path: file, length: { minTokens: 20, maxTokens: 200 } });
    expect(p.counts.removed).toEqual({
      invalid_json: 1,
      data_type: 1,
      example_missing_assistant_message: 1,
      too_long: 1,
      too_short: 1,
    });
    const m = await manifestOf(p);
    expect(m.removedSamples.find((s) => s.reason === 'invalid_json')?.line).toBe(16);
  });

  test('seed changes the split deterministically; shares are respected', async () => {
    const file = writeJsonl(tmp.dir(), 'seed.jsonl', chatLines(100));
    const a = await prep({ path: file, dedupe: { near: false } });
    const b = await prep({ path: file, dedupe: { near: false }, split: { seed: 'other' } });
    expect(a.counts).toMatchObject({ kept: 100, test: 20, validation: 10, train: 70 });
    expect(b.test.sha256).not.toBe(a.test.sha256);
    expect(await prep({ path: file, dedupe: { near: false }, split: { seed: 'other' } })).toEqual(b);
  });

  test('missing source, empty source and all-invalid source fail with a non-retryable InvalidDataset', async () => {
    await expectInvalidDataset(prep({ path: path.join(tmp.dir(), 'missing.jsonl') }), /not found/);
    await expectInvalidDataset(prep({ path: writeFile(tmp.dir(), 'empty.jsonl', '') }), /no usable examples.*empty/);
    await expectInvalidDataset(
      prep({ path: writeJsonl(tmp.dir(), 'allbad.jsonl', ['nope', '42']) }),
      /no usable examples.*invalid_json: 1.*data_type: 1/,
    );
    await expectInvalidDataset(
      prepareDataset({ dataset: { path: 'x', format: 'xml' } as never, model: MODEL }),
      /invalid dataset spec/,
    );
  });
});

describe('other source formats', () => {
  test('CSV with quoted fields, embedded newlines and a column mapping becomes chat examples', async () => {
    const rows = Array.from(
      { length: 12 },
      (_, i) => `${i},"Order ${i}, ""urgent""\nsecond line ${i * 13}",${i % 2 ? 'billing' : 'shipping'}`,
    );
    const file = writeFile(tmp.dir(), 'tickets.csv', `id,ticket,label\r\n${rows.join('\r\n')}\r\n`);
    const p = await prep({
      path: file,
      format: 'csv',
      columns: { system: 'Classify the ticket.', user: 'Ticket #{{id}}: {{ticket}}', assistant: 'label' },
    });
    expect(p.counts).toMatchObject({ input: 12, kept: 12 });
    const first = JSON.parse((await readLines(p.train))[0]!);
    expect(first.messages[0]).toEqual({ role: 'system', content: 'Classify the ticket.' });
    expect(first.messages[1].content).toMatch(/^Ticket #\d+: Order \d+, "urgent"\nsecond line \d+$/);
    expect(['billing', 'shipping']).toContain(first.messages[2].content);
  });

  test('TSV with default user/assistant columns; a mapping naming absent columns is InvalidDataset', async () => {
    const rows = Array.from({ length: 11 }, (_, i) => `question ${i} about item ${i * 17}\tanswer ${i}`);
    const file = writeFile(tmp.dir(), 'qa.tsv', `user\tassistant\n${rows.join('\n')}\n`);
    const p = await prep({ path: file, format: 'tsv', dedupe: { near: false } });
    expect(p.counts.kept).toBe(11);
    await expectInvalidDataset(
      prep({ path: file, format: 'tsv', columns: { user: '{{question}}', assistant: 'answer' } }),
      /not in the header: question \(header: user, assistant\)/,
    );
  });

  test('legacy prompt/completion becomes user/assistant chat', async () => {
    const lines = Array.from({ length: 12 }, (_, i) => ({
      prompt: `Summarise report ${i} on topic ${i * 7}\n\n###\n\n`,
      completion: ` Summary ${i}.`,
    }));
    const p = await prep({
      path: writeJsonl(tmp.dir(), 'legacy.jsonl', lines),
      format: 'prompt_completion',
      dedupe: { near: false },
    });
    const ex = JSON.parse((await readLines(p.train))[0]!);
    expect(ex.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(ex.messages[1].content).toMatch(/^Summary \d+\.$/);
  });

  test('DPO and reinforcement data keep their shapes and validate under their methods', async () => {
    const dpo = Array.from({ length: 12 }, (_, i) => ({
      input: {
        messages: [
          { role: 'user', content: `How do I export invoice ${i * 11} to ${i % 2 ? 'PDF' : 'CSV'} format quickly?` },
        ],
      },
      preferred_output: [{ role: 'assistant', content: `Open invoice ${i * 11} and choose Export.` }],
      non_preferred_output: [{ role: 'assistant', content: 'Contact support.' }],
    }));
    const p = await prep({ path: writeJsonl(tmp.dir(), 'dpo.jsonl', dpo), format: 'dpo', dedupe: { near: false } });
    expect(p.counts.kept).toBe(12);
    expect(Object.keys(JSON.parse((await readLines(p.train))[0]!))).toEqual([
      'input',
      'preferred_output',
      'non_preferred_output',
    ]);
    const rft = Array.from({ length: 12 }, (_, i) => ({
      messages: [
        { role: 'developer', content: 'Answer with a number.' },
        { role: 'user', content: `What is ${i} times ${i + 3}?` },
      ],
      reference_answer: String(i * (i + 3)),
    }));
    const r = await prep({
      path: writeJsonl(tmp.dir(), 'rft.jsonl', rft),
      format: 'reinforcement',
      dedupe: { near: false },
    });
    expect(JSON.parse((await readLines(r.train))[0]!).reference_answer).toMatch(/^\d+$/);
    const v = await validateDataset({ dataset: r.train, model: 'o4-mini-2025-04-16', method: 'reinforcement' });
    expect(v.errors).toEqual({ too_few_examples: 1 });
  });
});

describe('CSV encoding', () => {
  test('a CSV that is not UTF-8 is InvalidDataset, not trained on replacement characters', async () => {
    const file = writeFile(
      tmp.dir(),
      'latin1.csv',
      Buffer.concat([Buffer.from('user,assistant\n'), Buffer.from('caf\xe9 au lait,billing\n', 'latin1')]),
    );
    await expectInvalidDataset(prep({ path: file, format: 'csv' }), /not valid UTF-8/);
  });
});
