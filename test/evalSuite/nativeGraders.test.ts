import { parseCaseFile, selectCases } from '../../core/evalSuite/evalCase';
import { costUsd } from '../../core/evalSuite/inferencePricing';
import { AssertionSchema, type Assertion } from '../../core/graders/assertionSpec';
import { gradeAll, itemStatus } from '../../core/graders/gradeCase';
import type { GradeInput, GraderServices } from '../../core/graders/gradeTypes';
import { validateJsonSchema, unsupportedKeywords } from '../../core/graders/jsonSchema/validateJsonSchema';
import { swapTerms } from '../../core/graders/native/swapTerms';

const services = (over: Partial<GraderServices> = {}): GraderServices => ({
  judge: async () => ({ text: '{"winner":"A","reason":"x"}', model: 'judge' }),
  embed: async (texts) => texts.map((t) => (t.includes('Paris') ? [1, 0] : [0.6, 0.8])),
  generate: async () => 'billing',
  ...over,
});
const input = (output: string, item: Record<string, unknown> = {}, extra: Partial<GradeInput> = {}): GradeInput => ({
  item,
  sample: { output_text: output },
  messages: [{ role: 'user', content: 'John was charged twice.' }],
  ...extra,
});
const grade = (spec: unknown[], gi: GradeInput, s = services()) =>
  gradeAll(
    spec.map((a) => AssertionSchema.parse(a) as Assertion),
    gi,
    s,
  );

describe("Tailor's own assertions", () => {
  it('exact_match (normalised), contains, regex, numeric tolerance', async () => {
    const g = await grade(
      [
        { type: 'exact_match' },
        { type: 'contains', value: 'PARIS' },
        { type: 'regex', pattern: '^\\s*paris', flags: 'i' },
        { type: 'numeric', value: 3.14, tolerance: 0.01 },
      ],
      input(' Paris. pi is 3.141', { expected: 'paris' }),
    );
    expect(g.map((x) => x.passed)).toEqual([false, true, true, true]);
    const n = await grade(
      [{ type: 'numeric', value: '{{item.n}}', tolerance: 0.1, relative: true }],
      input('about 1,050 km', { n: '1000' }),
    );
    expect(n[0]!.passed).toBe(true);
    expect((await grade([{ type: 'exact_match' }], input('"Paris!"', { expected: 'paris' })))[0]!.passed).toBe(true);
  });

  it('json_schema and json_field', async () => {
    const schema = {
      type: 'object',
      properties: { label: { enum: ['a', 'b'] }, score: { type: 'number', minimum: 0, maximum: 1 } },
      required: ['label'],
      additionalProperties: false,
    };
    const ok = await grade(
      [
        { type: 'json_schema', schema },
        { type: 'json_field', path: 'label', equals: '{{item.expected}}' },
      ],
      input('{"label":"a","score":0.5}', { expected: 'a' }),
    );
    expect(ok.map((x) => x.passed)).toEqual([true, true]);
    const bad = await grade([{ type: 'json_schema', schema }], input('{"label":"c","score":2,"x":1}'));
    expect(bad[0]!.detail).toBe(
      '/label: expected one of ["a","b"]; /score: greater than 1; /x: additional property is not allowed',
    );
    expect((await grade([{ type: 'json_schema', schema }], input('not json')))[0]!.detail).toMatch(/^not JSON/);
  });

  it('the JSON Schema subset: refs, combinators, arrays, and a list of what it does not check', () => {
    const s = {
      $defs: { pos: { type: 'integer', exclusiveMinimum: 0 } },
      type: 'array',
      items: { $ref: '#/$defs/pos' },
      minItems: 1,
      uniqueItems: true,
    };
    expect(validateJsonSchema([1, 2], s)).toEqual([]);
    expect(validateJsonSchema([1, 1, 0.5], s).map((e) => e.message)).toEqual([
      'items are not unique',
      'expected integer, got number',
    ]);
    expect(validateJsonSchema('x', { anyOf: [{ type: 'number' }, { type: 'string', pattern: '^y' }] })).toHaveLength(1);
    expect(validateJsonSchema(3, { oneOf: [{ type: 'number' }, { type: 'integer' }] })[0]!.message).toBe(
      'matches 2 of oneOf (exactly 1 expected)',
    );
    expect(unsupportedKeywords({ type: 'string', format: 'email', properties: { if: { type: 'string' } } })).toEqual([
      'format',
    ]);
  });

  it('classification, embedding similarity, latency and cost', async () => {
    const g = await grade(
      [
        { type: 'classification', labels: ['billing', 'shipping'] },
        { type: 'embedding_similarity', value: 'Paris', threshold: 0.9 },
        { type: 'latency', maxMs: 100 },
        { type: 'cost', maxUsd: 0.001 },
      ],
      input('refunds', { expected: 'billing' }, { latencyMs: 150, costUsd: 0.0001 }),
    );
    expect(g[0]!.label).toEqual({ expected: 'billing', predicted: '(other)' });
    expect(g[1]!.score).toBeCloseTo(0.6, 10);
    expect(g.map((x) => x.passed)).toEqual([false, false, false, true]);
    expect(itemStatus(g)).toBe('fail');
  });

  it('llm_judge pairwise asks twice with positions swapped and averages the verdicts', async () => {
    const seen: string[] = [];
    const judge: GraderServices['judge'] = async (req) => {
      seen.push(String(req.messages[1]!.content));
      // a judge that always prefers position A
      return { text: '{"winner":"A","reason":"first is better"}', model: 'j' };
    };
    const [g] = await grade(
      [{ type: 'llm_judge', rubric: 'correct label', model: 'j', mode: 'pairwise' }],
      input('billing', { expected: 'shipping' }),
      services({ judge }),
    );
    expect(seen[0]).toContain('Answer A:\nbilling\n\nAnswer B:\nshipping');
    expect(seen[1]).toContain('Answer A:\nshipping\n\nAnswer B:\nbilling');
    expect(g!.score).toBe(0.5); // position bias cancelled: one win, one loss
    expect(g!.detail).toContain('position-dependent');
  });

  it('counterfactual swaps whole words both ways, keeps case, and compares the answers', async () => {
    expect(
      swapTerms('John told his sister; JOHN and she left. Johnny stays.', [
        { from: 'John', to: 'Aisha' },
        { from: 'he', to: 'she' },
        { from: 'his', to: 'her' },
      ]),
    ).toEqual({
      text: 'Aisha told her sister; AISHA and he left. Johnny stays.',
      swapped: 4,
    });
    const seen: string[] = [];
    const generate: GraderServices['generate'] = async (m) => {
      seen.push(String(m[0]!.content));
      return 'Billing.';
    };
    const [same] = await grade(
      [{ type: 'counterfactual', swaps: [['John', 'Aisha']] }],
      input('billing'),
      services({ generate }),
    );
    expect(seen).toEqual(['Aisha was charged twice.']);
    expect(same!.passed).toBe(true);
    const [diff] = await grade(
      [{ type: 'counterfactual', swaps: [{ from: 'John', to: 'Aisha' }], equivalence: 'exact' }],
      input('billing'),
      services({ generate }),
    );
    expect(diff!.passed).toBe(false);
  });

  it('a template naming a missing variable is an invalid_variable_error: the item is errored, not failed', async () => {
    const g = await grade([{ type: 'exact_match', value: '{{item.nope}}' }], input('x'));
    expect(g[0]).toMatchObject({ errored: true, errors: ['invalid_variable_error'] });
    expect(itemStatus(g)).toBe('error');
  });

  it('prices answers at list prices, fine-tuned models at their rate, unknown models at n/a', () => {
    expect(costUsd('gpt-4o-mini-2024-07-18', 1e6, 1e6)).toBeCloseTo(0.75, 10);
    expect(costUsd('ft:gpt-4o-mini-2024-07-18:org::x', 1e6, 0)).toBeCloseTo(0.3, 10);
    expect(costUsd('my-model', 1, 1)).toBeUndefined();
    expect(costUsd('my-model', 1e6, 0, { 'my-model': { input: 2, output: 4 } })).toBe(2);
  });
});

describe('case files', () => {
  it('reads chat, vars and OpenAI item rows; hashes content; selects by limit or seeded sample', () => {
    const text = [
      JSON.stringify({
        messages: [
          { role: 'system', content: 's' },
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'billing' },
        ],
      }),
      '',
      JSON.stringify({ id: 7, vars: { question: 'q?' }, expected: 'a', assert: [{ type: 'contains', value: 'a' }] }),
      JSON.stringify({ item: { ticket: 't' }, sample: { choices: [{ message: { content: 'from choices' } }] } }),
    ].join('\n');
    const cases = parseCaseFile(text, 'c.jsonl');
    expect(cases.map((c) => [c.shape, c.id, c.line, c.input])).toEqual([
      ['chat', 'line-1', 1, 'hi'],
      ['vars', '7', 3, 'q?'],
      ['item', 'line-4', 4, 't'],
    ]);
    expect(cases[0]!.item).toEqual({ input: 'hi', expected: 'billing' });
    expect(cases[2]!.sample!.output_text).toBe('from choices');
    expect(new Set(cases.map((c) => c.hash)).size).toBe(3);
    expect(selectCases(cases, { limit: 2 }).map((c) => c.index)).toEqual([0, 1]);
    const a = selectCases(cases, { sample: { n: 2, seed: 's' } });
    expect(selectCases(cases, { sample: { n: 2, seed: 's' } })).toEqual(a);
    expect(a.map((c) => c.index)).toEqual([0, 1]);
  });
});
