import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parseDocument, stringify } from 'yaml';
import { loadSpec, SpecError } from '../../config/loadSpec';
import { DATA, specYaml } from './entries/fixtures';

/**
 * Property tests of the spec loader (config/loadSpec.ts over config/yamlDiagnostics.ts): whatever YAML-ish text a
 * user writes, the loader returns a valid spec or throws a SpecError whose every problem names the file and, when
 * the document has any content, a line inside it. Nothing else may escape (a stray exception is a stack trace).
 */
const RUNS = { numRuns: 250 };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-spec-prop-'));
const file = path.join(dir, 'pipeline.yaml');
fs.writeFileSync(path.join(dir, 'data.jsonl'), DATA);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const VALID = specYaml(
  'prop',
  'evaluation:',
  '  metric: exact_match',
  '  concurrency: 4',
  'gate:',
  '  rules: ["accuracy >= 0.5"]',
  'deploy:',
  '  alias: prod',
);

function check(text: string): void {
  fs.writeFileSync(file, text);
  let problems: SpecError['problems'];
  try {
    const loaded = loadSpec(file);
    expect(loaded.spec.dataset.path).toBe(path.join(dir, 'data.jsonl'));
    return;
  } catch (err) {
    if (!(err instanceof SpecError))
      throw new Error(`not a SpecError for ${JSON.stringify(text)}: ${(err as Error)?.stack ?? String(err)}`, {
        cause: err,
      });
    expect(err.message.split('\n')[0]).toBe(`${file}: invalid pipeline spec`);
    problems = err.problems;
  }
  expect(problems.length).toBeGreaterThan(0);
  const hasContent = parseDocument(text).contents != null;
  const lastLine = text.split('\n').length;
  for (const p of problems) {
    expect(p.message.trim()).not.toBe('');
    if (hasContent) expect(p.line).toBeDefined();
    if (p.line !== undefined) expect(p.line >= 1 && p.line <= lastLine).toBe(true);
  }
}

/** Characters and tokens that matter to YAML, so random text reaches the parser's corners (flow, anchors, tags). */
const yamlish = fc.string({
  unit: fc.constantFrom(
    'a',
    'b',
    ' ',
    '  ',
    '\n',
    '\t',
    ':',
    ': ',
    '- ',
    '{',
    '}',
    '[',
    ']',
    ',',
    '"',
    "'",
    '#',
    '&a ',
    '*a',
    '!!',
    '!x ',
    '|',
    '>',
    '? ',
    '<<: ',
    '---\n',
    '%',
    '@',
    '`',
    '\\',
    '0.5',
    'name',
    'dataset',
    'path',
  ),
  maxLength: 60,
});

/** The valid spec with one line deleted, duplicated, re-indented, or with a token inserted. */
const mutated = fc
  .tuple(
    fc.nat(),
    fc.constantFrom('delete', 'duplicate', 'indent', 'dedent', 'insert'),
    fc.constantFrom(':', ' - x', '{', ']', '"', '\t', ' &a', ' *a', ' 42', ' [1, 2]', ' null', ' ~', ' yes'),
  )
  .map(([at, op, token]) => {
    const lines = VALID.trimEnd().split('\n');
    const i = at % lines.length;
    const l = lines[i]!;
    if (op === 'delete') lines.splice(i, 1);
    else if (op === 'duplicate') lines.splice(i, 0, l);
    else if (op === 'indent') lines[i] = '  ' + l;
    else if (op === 'dedent') lines[i] = l.trimStart();
    else lines[i] = l + token;
    return lines.join('\n') + '\n';
  });

/** Well-formed YAML of the wrong shape: random values at the spec's own keys, so zod's every branch is reached. */
const wrongShape = fc
  .record(
    {
      name: fc.oneof(fc.constant('prop'), fc.jsonValue()),
      baseModel: fc.oneof(fc.constant('gpt-4o-mini-2024-07-18'), fc.jsonValue()),
      dataset: fc.oneof(
        fc.constant({ path: 'data.jsonl' }),
        fc.jsonValue(),
        fc.record({ path: fc.jsonValue(), format: fc.jsonValue() }),
      ),
      fineTune: fc.oneof(
        fc.constant({ suffix: 'x' }),
        fc.jsonValue(),
        fc.record({ method: fc.jsonValue(), poll: fc.jsonValue() }, { requiredKeys: [] }),
      ),
      evaluation: fc.jsonValue(),
      gate: fc.oneof(fc.jsonValue(), fc.record({ rules: fc.array(fc.oneof(fc.string(), fc.jsonValue())) })),
      deploy: fc.jsonValue(),
      extra: fc.jsonValue(),
    },
    { requiredKeys: [] },
  )
  .map((v) => stringify(v));

describe('spec loader: properties', () => {
  test('the unmutated spec is valid (the generators start from a spec that loads)', () => {
    fs.writeFileSync(file, VALID);
    expect(loadSpec(file).spec.name).toBe('catalogue-prop');
  });

  test('random YAML-ish text: a valid spec or a SpecError naming file and line', () => {
    fc.assert(fc.property(yamlish, check), RUNS);
  });

  test('a valid spec with one line broken: a valid spec or a SpecError naming file and line', () => {
    fc.assert(fc.property(mutated, check), RUNS);
  });

  test('well-formed YAML of the wrong shape: a valid spec or a SpecError naming file and line', () => {
    fc.assert(fc.property(wrongShape, check), RUNS);
  });
});
