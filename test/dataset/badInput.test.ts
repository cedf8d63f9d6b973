import fs from 'node:fs';
import path from 'node:path';
import { validateFile } from '../../activities/dataset/validateFile';
import { chatLines, FIXTURES, useTmpHome } from './support';

const tmp = useTmpHome();
const MODEL = 'gpt-4.1-mini-2025-04-14';
const validate = (file: string) => validateFile(file, { model: MODEL, method: 'supervised' });
/** The report must survive a JSON round trip unchanged (no NaN, no undefined-only fields, no cycles). */
const jsonRoundTrip = (r: unknown) => expect(JSON.parse(JSON.stringify(r))).toEqual(r);

describe('bad input never crashes validation and is reported by line', () => {
  test('invalid UTF-8: the byte offset on the right line; other lines still validated', async () => {
    const r = await validate(path.join(FIXTURES, 'invalid-utf8.jsonl'));
    expect(r.errors).toEqual({ invalid_utf8: 2 });
    expect(r.errorSamples.map((s) => s.line)).toEqual([3, 7]);
    expect(r.errorSamples[0]!.message).toMatch(/byte \d+/);
    expect(r.examples).toBe(12);
    expect(r.tokens.perExample.min).toBeGreaterThan(0);
    jsonRoundTrip(r);
  });

  test('byte-order mark: stripped, line 1 still valid, warned about', async () => {
    const r = await validate(path.join(FIXTURES, 'bom.jsonl'));
    expect(r.valid).toBe(true);
    expect(r.input.bom).toBe(true);
    expect(r.warnings.join('\n')).toMatch(/line 1: starts with a UTF-8 byte-order mark/);
  });

  test('CRLF line ends: accepted, counted, warned about', async () => {
    const r = await validate(path.join(FIXTURES, 'crlf.jsonl'));
    expect(r.valid).toBe(true);
    expect(r.input.crlfLines).toBe(12);
    expect(r.warnings.join('\n')).toMatch(/line 1: 12 line\(s\) end with CRLF/);
  });

  test('a broken JSON line is invalid_json on its line', async () => {
    const r = await validate(path.join(FIXTURES, 'broken-json.jsonl'));
    expect(r.errors).toEqual({ invalid_json: 1 });
    expect(r.errorSamples[0]).toMatchObject({ line: 5, category: 'invalid_json' });
    jsonRoundTrip(r);
  });

  test('non-object lines (string, number, array, null) are data_type on their lines', async () => {
    const r = await validate(path.join(FIXTURES, 'non-object.jsonl'));
    expect(r.errors).toEqual({ data_type: 4 });
    expect(r.errorSamples.map((s) => s.line)).toEqual([4, 7, 8, 9]);
    jsonRoundTrip(r);
  });

  test('an empty file is empty_file (line 0), not a crash', async () => {
    const r = await validate(path.join(FIXTURES, 'empty.jsonl'));
    expect(r.valid).toBe(false);
    expect(r.examples).toBe(0);
    expect(r.errors).toEqual({ empty_file: 1 });
    expect(r.tokens.perExample).toEqual({ min: 0, max: 0, mean: 0, median: 0, p10: 0, p90: 0 });
    jsonRoundTrip(r);
  });

  test('blank lines are skipped with a warning naming the first', async () => {
    const r = await validate(path.join(FIXTURES, 'blank-lines.jsonl'));
    expect(r.valid).toBe(true);
    expect(r.examples).toBe(12);
    expect(r.input.blankLines).toBe(3);
    expect(r.warnings.join('\n')).toMatch(/line 1: 3 blank line\(s\) skipped/);
  });

  test('a 50 MB line is line_too_long on its line, without buffering it; the lines around it still count', async () => {
    const file = path.join(tmp.dir(), 'huge-line.jsonl');
    const fd = fs.openSync(file, 'w');
    const lines = chatLines(12);
    fs.writeSync(fd, lines.slice(0, 5).join('\n') + '\n');
    fs.writeSync(fd, '{"messages":[{"role":"user","content":"');
    const block = 'x'.repeat(1 << 20);
    for (let i = 0; i < 50; i++) fs.writeSync(fd, block);
    fs.writeSync(fd, '"},{"role":"assistant","content":"billing"}]}\n');
    fs.writeSync(fd, lines.slice(5).join('\n') + '\n');
    fs.closeSync(fd);
    const r = await validateFile(file, { model: MODEL, method: 'supervised', maxLineBytes: 32 * 1024 * 1024 });
    expect(r.errors).toEqual({ line_too_long: 1 });
    expect(r.errorSamples[0]).toMatchObject({ line: 6, category: 'line_too_long' });
    expect(r.examples).toBe(13);
    jsonRoundTrip(r);
  });

  test('a line of only garbage bytes (binary file) is reported, not thrown', async () => {
    const file = path.join(tmp.dir(), 'binary.jsonl');
    fs.writeFileSync(file, Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x0a, 0x7b, 0x0a]));
    const r = await validate(file);
    expect(r.valid).toBe(false);
    expect(r.errorSamples.map((s) => [s.line, s.category])).toEqual([
      [0, 'too_few_examples'],
      [1, 'invalid_utf8'],
      [2, 'invalid_json'],
    ]);
  });
});
