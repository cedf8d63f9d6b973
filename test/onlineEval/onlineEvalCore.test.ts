/**
 * The pure parts of online evaluation: the tick's window and its deterministic sample, captured exchanges as
 * eval cases, the per-model aggregate and threshold, which graders can grade traffic without a reference, and the
 * command's flag checks (each a clear error naming the flag).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onlineEvalInput } from '../../cli/commands/onlineEvalArgs';
import { UsageError } from '../../cli/command';
import type { CaseResult } from '../../core/evalSuite/caseResult';
import { AssertionSchema } from '../../core/graders/assertionSpec';
import { aggregateModel, isBelow } from '../../core/onlineEval/modelScores';
import { referenceProblem } from '../../core/onlineEval/referenceFree';
import { byModel, exchangeCase, inWindow, pickSample, sampleSeed } from '../../core/onlineEval/trafficSample';

const rows = Array.from({ length: 40 }, (_, i) => ({
  responseId: `chatcmpl-${i}`,
  alias: 'tickets@prod',
  model: i % 4 === 0 ? 'canary' : 'primary',
  requestJson: JSON.stringify({
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: `q${i}` },
    ],
  }),
  answer: `a${i}`,
  at: 1_000 + i,
}));

describe('the tick sample', () => {
  it('picks the same rows for the same seed, in their original order, whatever order they come in', () => {
    const seed = sampleSeed('tickets@prod', 'suite', 5_000);
    const a = pickSample(rows, 10, seed);
    const b = pickSample([...rows].reverse(), 10, seed);
    expect(a).toHaveLength(10);
    expect(b.map((r) => r.responseId).sort()).toEqual(a.map((r) => r.responseId).sort());
    expect(a.map((r) => r.at)).toEqual([...a.map((r) => r.at)].sort((x, y) => x - y));
  });

  it('another tick picks other rows; a sample as large as the rows keeps them all', () => {
    const a = pickSample(rows, 10, sampleSeed('tickets@prod', 'suite', 5_000));
    const b = pickSample(rows, 10, sampleSeed('tickets@prod', 'suite', 5_001));
    expect(a.map((r) => r.responseId)).not.toEqual(b.map((r) => r.responseId));
    expect(pickSample(rows, 40, 'x')).toEqual(rows);
  });

  it('the window ends at the tick, inclusive, and starts after tick - window', () => {
    expect(inWindow(rows, 1_010, 5).map((r) => r.at)).toEqual([1_006, 1_007, 1_008, 1_009, 1_010]);
  });

  it('groups by the model that answered, in name order', () => {
    const groups = byModel(rows);
    expect([...groups.keys()]).toEqual(['canary', 'primary']);
    expect(groups.get('canary')).toHaveLength(10);
    expect(groups.get('primary')).toHaveLength(30);
  });

  it('an exchange becomes a case whose sample is the captured answer and whose item has no reference', () => {
    const c = exchangeCase(rows[4]!, 0);
    expect(c).toMatchObject({
      id: 'chatcmpl-4',
      input: 'q4',
      sample: { output_text: 'a4' },
      item: { input: 'q4', model: 'canary', alias: 'tickets@prod', response_id: 'chatcmpl-4' },
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'q4' },
      ],
    });
    expect(c.expected).toBeUndefined();
    // A request over the capture's cap (not stored): graded on the answer alone.
    const bare = exchangeCase({ ...rows[4]!, requestJson: null }, 0);
    expect(bare.messages).toBeUndefined();
    expect(bare.input).toBe('');
    expect(bare.hash).not.toBe(c.hash);
  });
});

const result = (status: CaseResult['status'], score: number) => ({ status, score }) as CaseResult;

describe('scores per model', () => {
  it('is the mean case score, errored cases counted but left out', () => {
    expect(aggregateModel('m', [result('pass', 1), result('fail', 0.5), result('error', 0)])).toEqual({
      model: 'm',
      n: 3,
      errored: 1,
      score: 0.75,
      passRate: 0.5,
    });
    expect(aggregateModel('m', [result('error', 0)])).toMatchObject({ score: null, passRate: null });
  });

  it('is below the threshold only when strictly under it and graded at all', () => {
    expect(isBelow(0.79, 0.8)).toBe(true);
    expect(isBelow(0.8, 0.8)).toBe(false);
    expect(isBelow(null, 0.8)).toBe(false);
  });
});

describe('graders for captured traffic', () => {
  const problem = (a: unknown) => referenceProblem(AssertionSchema.parse(a));
  it('accepts reference-free graders', () => {
    expect(problem({ type: 'regex', pattern: '^Thanks' })).toBeUndefined();
    expect(problem({ type: 'contains', value: 'ticket' })).toBeUndefined();
    expect(problem({ type: 'json_schema', schema: { type: 'object' } })).toBeUndefined();
    expect(problem({ type: 'llm_judge', rubric: 'Polite? {{item.input}}', model: 'gpt-4o-mini' })).toBeUndefined();
  });
  it('refuses graders that compare with a reference or need what the capture lacks', () => {
    expect(problem({ type: 'exact_match' })).toMatch(/^exact_match refers to item\.expected/);
    expect(problem({ type: 'llm_judge', rubric: 'r', model: 'm', mode: 'pairwise' })).toMatch(/item\.expected/);
    expect(problem({ type: 'faithfulness' })).toMatch(/^faithfulness needs the retrieved passages/);
    expect(
      problem({
        type: 'string_check',
        name: 's',
        input: '{{sample.output_text}}',
        reference: '{{item.reference_answer}}',
        operation: 'eq',
      }),
    ).toMatch(/item\.reference_answer/);
  });
});

describe('online-eval flags', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-online-flags-'));
  const suite = path.join(dir, 'suite.yaml');
  fs.writeFileSync(suite, 'name: s\ncases:\n  split: test\nassert:\n  - {type: regex, pattern: "^ok"}\n');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const input = (values: Record<string, string>) => onlineEvalInput('tickets@prod', { suite, ...values }, 3_600_000);

  it('has defaults: 50 per model, threshold 0.8, the window given, no webhook', () => {
    expect(input({})).toMatchObject({ suite: 's', sample: 50, threshold: 0.8, windowMs: 3_600_000, concurrency: 4 });
    expect(input({}).webhook).toBeUndefined();
  });

  it.each([
    [{ threshold: '2' }, '--threshold expects a number from 0 to 1'],
    [{ threshold: 'high' }, '--threshold expects a number from 0 to 1'],
    [{ sample: '0' }, '--sample expects a number from 1 to 1000'],
    [{ sample: '2.5' }, '--sample expects a whole number'],
    [{ window: 'soon' }, '--window expects a duration'],
    [{ 'webhook-url': 'http://127.0.0.1:1/h' }, '--webhook-url and --secret-env go together'],
    [{ 'webhook-url': 'not a url', 'secret-env': 'S' }, '--webhook-url:'],
    [{ 'webhook-url': 'http://127.0.0.1:1/h', 'secret-env': 'lower' }, '--secret-env: expected an environment'],
  ])('%j is refused naming the flag', (values, message) => {
    expect(() => input(values)).toThrow(UsageError);
    expect(() => input(values)).toThrow(message);
  });

  it('a missing suite file is named', () => {
    expect(() => onlineEvalInput('a@b', { suite: path.join(dir, 'none.yaml') }, 1)).toThrow(/none\.yaml/);
  });
});
