import fc from 'fast-check';
import { DatasetValidator } from '../../core/dataset/datasetValidator';
import { LineSplitter } from '../../core/dataset/lineSplitter';
import { SourceFormatError, SourceRecordReader } from '../../core/dataset/sourceRecords';
import type { ValidationReport } from '../../core/dataset/validationReport';

/**
 * Property tests of the dataset reader and validator (core/dataset): whatever the bytes, they report rather than
 * throw; every bad line is reported under its own number; valid examples come back exactly as written.
 * fast-check's runs are reproducible: a failure prints its seed and the shrunk input.
 */
const RUNS = { numRuns: 200 };
const MODEL = 'gpt-4o-mini-2024-07-18';

/** Feeds `bytes` to the validator in the given chunk sizes, as a file stream would. */
function validate(bytes: Uint8Array, cuts: number[] = []): ValidationReport {
  const validator = new DatasetValidator({ method: 'supervised', model: MODEL, maxLineBytes: 4096 });
  const splitter = new LineSplitter((line) => validator.addLine(line), 4096);
  for (const chunk of chunks(bytes, cuts)) splitter.push(chunk);
  splitter.end();
  return validator.finish(splitter.stats);
}

function chunks(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  return out;
}

const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '' && !s.includes('<|'));
const validExample = fc.record({
  messages: fc.tuple(text, text, text).map(([s, u, a]) => [
    { role: 'system', content: s },
    { role: 'user', content: u },
    { role: 'assistant', content: a },
  ]),
});
/** Lines the validator must reject, whatever else is in the file. */
const badLine = fc.oneof(
  fc.constant('{"messages": ['),
  fc.constant('not json at all'),
  fc
    .jsonValue()
    .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
    .map((v) => JSON.stringify(v)),
  fc.record({ prompt: text }).map((v) => JSON.stringify(v)),
  text.map((u) =>
    JSON.stringify({
      messages: [
        { role: 'robot', content: u },
        { role: 'assistant', content: 'x' },
      ],
    }),
  ),
  text.map((u) => JSON.stringify({ messages: [{ role: 'user', content: u }] })),
);

describe('dataset reader and validator: properties', () => {
  test('arbitrary bytes in arbitrary chunks never throw, and every reported line exists', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      // Mostly-JSONL bytes: valid lines with random damage find more interesting paths than noise does.
      fc
        .tuple(
          fc.array(validExample, { maxLength: 12 }),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        )
        .map(([examples, damage]) => {
          const b = Buffer.from(examples.map((e) => JSON.stringify(e)).join('\n'));
          for (const [at, v] of damage) if (b.length) b[at % b.length] = v;
          return new Uint8Array(b);
        }),
    );
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(), { maxLength: 8 }), (b, cuts) => {
        const report = validate(b, cuts);
        const lines = report.input.lines;
        for (const s of report.errorSamples) expect(s.line >= 0 && s.line <= lines).toBe(true);
        expect(report.valid).toBe(Object.keys(report.errors).length === 0);
        expect(JSON.parse(JSON.stringify(report))).toEqual(report);
      }),
      RUNS,
    );
  });

  test('each bad line is reported with its own line number, and only bad lines are', () => {
    const lines = fc.array(
      fc.oneof(
        validExample.map((e) => ({ bad: false, text: JSON.stringify(e) })),
        badLine.map((t) => ({ bad: true, text: t })),
      ),
      {
        minLength: 1,
        maxLength: 18,
      },
    );
    fc.assert(
      fc.property(lines, fc.boolean(), (ls, crlf) => {
        const report = validate(Buffer.from(ls.map((l) => l.text).join(crlf ? '\r\n' : '\n') + '\n'));
        const expected = ls.flatMap((l, i) => (l.bad ? [i + 1] : []));
        const reported = [...new Set(report.errorSamples.filter((s) => s.line > 0).map((s) => s.line))].sort(
          (a, b) => a - b,
        );
        expect(reported).toEqual(expected);
      }),
      RUNS,
    );
  });

  test('valid examples round-trip through the reader with their line numbers, however the bytes are chunked', () => {
    fc.assert(
      fc.property(
        fc.array(validExample, { minLength: 1, maxLength: 15 }),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 10 }),
        (examples, bom, crlf, cuts) => {
          const body = examples.map((e) => JSON.stringify(e)).join(crlf ? '\r\n' : '\n') + '\n';
          const bytes = new Uint8Array(Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(body)]));
          const reader = new SourceRecordReader('chat', undefined, 4096);
          const records = [...chunks(bytes, cuts).flatMap((c) => reader.push(c)), ...reader.end()];
          expect(records).toEqual(examples.map((value, i) => ({ line: i + 1, value })));
          if (examples.length >= 10) expect(validate(bytes, cuts).errors).toEqual({});
        },
      ),
      RUNS,
    );
  });

  test('CSV: arbitrary bytes give records or a SourceFormatError, never another exception', () => {
    const csvish = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc
        .string({
          unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', ' ', 'user', 'assistant', '\uFEFF', 'é'),
          maxLength: 80,
        })
        .map((s) => new Uint8Array(Buffer.from(s))),
    );
    fc.assert(
      fc.property(csvish, fc.array(fc.nat(), { maxLength: 5 }), (b, cuts) => {
        const reader = new SourceRecordReader('csv');
        try {
          const records = [...chunks(b, cuts).flatMap((c) => reader.push(c)), ...reader.end()];
          for (const r of records) expect(r.line).toBeGreaterThanOrEqual(1);
        } catch (err) {
          expect(err).toBeInstanceOf(SourceFormatError);
        }
      }),
      RUNS,
    );
  });
});
