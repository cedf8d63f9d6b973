/**
 * OpenAI grader configs run unchanged against worked examples taken from OpenAI's grader docs and the Python
 * libraries they name (rapidfuzz, NLTK, rouge-score). Model graders use a stub judge (the examples check parsing,
 * clamping and thresholds, not model quality); test/evalSuite/evalSuiteWorkflow.test.ts runs them against the
 * local backend over HTTP.
 */
import { AssertionSchema } from '../../core/graders/assertionSpec';
import { gradeOpenAI } from '../../core/graders/openai/gradeOpenAI';
import { parseFormula } from '../../core/graders/openai/formula';
import { OpenAIGraderSchema, type OpenAIGrader } from '../../core/graders/openai/openaiGraderSchemas';
import { runGrader } from '../../core/graders/openai/runGrader';
import type { GraderServices, JudgeRequest } from '../../core/graders/gradeTypes';
import { bleu } from '../../core/graders/metrics/bleu';
import { fuzzyRatio } from '../../core/graders/metrics/fuzzyMatch';
import { gleu } from '../../core/graders/metrics/gleu';
import { meteor } from '../../core/graders/metrics/meteor';
import { rouge } from '../../core/graders/metrics/rouge';
import { porterStem } from '../../core/graders/metrics/porterStemmer';
import { renderGraderTemplate } from '../../core/graders/template';

const stubJudge = (text: string, seen: JudgeRequest[] = []): Pick<GraderServices, 'judge' | 'embed'> => ({
  judge: async (req) => {
    seen.push(req);
    return { text, model: req.model, usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } };
  },
  embed: async () => {
    throw new Error('no embeddings in this test');
  },
});
const parse = (g: unknown) => OpenAIGraderSchema.parse(g) as OpenAIGrader;
const grade = (g: unknown, item: Record<string, unknown>, sample: Record<string, unknown>, judge = stubJudge('')) => {
  const grader = parse(g);
  return gradeOpenAI(grader, grader.name ?? grader.type, { item, sample }, judge);
};

describe('TV1 score_model via graders/run', () => {
  const grader = {
    type: 'score_model',
    name: 'Example score model grader',
    model: 'gpt-5-mini',
    input: [
      {
        role: 'user',
        content: [
          {
            type: 'input_text',
            text:
              'Score how close the model answer is to the reference.\nReference answer: ' +
              '{{item.reference_answer}}\n\nModel answer: {{sample.output_text}}',
          },
        ],
      },
    ],
    sampling_params: { temperature: 1, top_p: 1, seed: 42 },
  };
  it('gives reward 1.0, no error flags, empty sub_rewards; the judge saw the templated text', async () => {
    const seen: JudgeRequest[] = [];
    const res = await runGrader(
      { grader, item: { reference_answer: 'fuzzy wuzzy was a bear' }, model_sample: 'fuzzy wuzzy was a bear' },
      stubJudge('{"result": 1.0, "steps": []}', seen),
    );
    expect(res.reward).toBe(1);
    expect(res.sub_rewards).toEqual({});
    expect(Object.entries(res.metadata.errors).filter(([, v]) => v === true)).toEqual([]);
    expect(res.metadata).toMatchObject({
      name: 'Example score model grader',
      type: 'score_model',
      sampled_model_name: 'gpt-5-mini',
    });
    expect(res.model_grader_token_usage_per_model['gpt-5-mini']).toEqual({
      prompt_tokens: 10,
      completion_tokens: 5,
      total_tokens: 15,
      cached_tokens: 0,
    });
    expect(seen[0]!.messages[0]!.content).toBe(
      'Score how close the model answer is to the reference.\nReference answer: fuzzy wuzzy was a ' +
        'bear\n\nModel answer: fuzzy wuzzy was a bear',
    );
    // gpt-5-mini is a reasoning model: temperature is dropped, not sent (the provider would reject it)
    expect(seen[0]!.sampling).toEqual({ seed: 42, top_p: 1 });
    expect(seen[0]!.jsonSchema!.schema).toMatchObject({ required: ['steps', 'result'] });
  });
});

describe('TV2 string_check eq in an eval', () => {
  const criterion = {
    type: 'string_check',
    name: 'Match output to human label',
    input: '{{ sample.output_text }}',
    operation: 'eq',
    reference: '{{ item.correct_label }}',
  };
  const items = [
    { ticket_text: "My monitor won't turn on!", correct_label: 'Hardware' },
    { ticket_text: "I'm in vim and I can't quit!", correct_label: 'Software' },
    { ticket_text: 'Best restaurants in Cleveland?', correct_label: 'Other' },
  ];
  it('passes 3 of 3 when each sample equals its label', async () => {
    const results = await Promise.all(items.map((item) => grade(criterion, item, { output_text: item.correct_label })));
    expect(results.map((r) => [r.score, r.passed])).toEqual([
      [1, true],
      [1, true],
      [1, true],
    ]);
  });
  it(
    'derived: "hardware" scores 0 under eq and 1 under ' + 'ilike; "Hardware." scores 1 under like; neq is ne',
    async () => {
      expect((await grade(criterion, items[0]!, { output_text: 'hardware' })).score).toBe(0);
      expect((await grade({ ...criterion, operation: 'ilike' }, items[0]!, { output_text: 'hardware' })).score).toBe(1);
      expect((await grade({ ...criterion, operation: 'like' }, items[0]!, { output_text: 'Hardware.' })).score).toBe(1);
      expect((await grade({ ...criterion, operation: 'neq' }, items[0]!, { output_text: 'Software' })).score).toBe(1);
      expect(
        (await grade({ ...criterion, operation: 'like', reference: '%ware' }, items[0]!, { output_text: 'Hardware' }))
          .score,
      ).toBe(0); // % is literal
    },
  );
});

describe('TV3 multi over name and email', () => {
  const multi = {
    type: 'multi',
    graders: {
      name: {
        type: 'text_similarity',
        input: '{{sample.output_json.name}}',
        reference: '{{item.name}}',
        evaluation_metric: 'fuzzy_match',
        pass_threshold: 0.9,
      },
      email: {
        type: 'string_check',
        input: '{{sample.output_json.email}}',
        reference: '{{item.email}}',
        operation: 'eq',
      },
    },
    calculate_output: '(name + email) / 2',
  };
  const item = { name: 'John Doe', email: 'john.doe@gmail.com' };
  it.each([
    [{ name: 'John Doe', email: 'john.doe@gmail.com' }, 1],
    [{ name: 'John Doe', email: 'jdoe@gmail.com' }, 0.5],
    [{ name: 'Jon Doe', email: 'john.doe@gmail.com' }, (14 / 15 + 1) / 2],
  ])('%j scores %d', async (output_json, want) => {
    const r = await grade(multi, item, { output_text: JSON.stringify(output_json), output_json });
    expect(r.score).toBeCloseTo(want, 10);
    expect(r.subScores).toHaveProperty('name');
    expect(r.errored).toBe(false);
  });
  it('a missing field is invalid_variable_error (errored, score 0 for that key)', async () => {
    const r = await grade(multi, item, { output_text: '{}', output_json: {} });
    expect(r.errored).toBe(true);
    expect(r.errors).toContain('invalid_variable_error');
    expect(r.score).toBe(0);
  });
});

describe('TV4 tool-call multi', () => {
  const multi = {
    type: 'multi',
    graders: {
      function_name: {
        type: 'string_check',
        name: 'function_name',
        input: 'get_acceptors',
        reference: '{{sample.output_tools[0].function.name}}',
        operation: 'eq',
      },
      arguments: {
        type: 'string_check',
        name: 'arguments',
        input: '{"smiles": "{{item.smiles}}"}',
        reference: '{{sample.output_tools[0].function.arguments}}',
        operation: 'eq',
      },
    },
    calculate_output: '0.5 * function_name + 0.5 * arguments',
  };
  const tools = (name: string, args: string) => ({
    output_text: '',
    output_tools: [{ id: 'c1', type: 'function', function: { name, arguments: args } }],
  });
  it('exact call 1.0; compact JSON arguments 0.5; wrong name 0.5', async () => {
    expect((await grade(multi, { smiles: 'CCO' }, tools('get_acceptors', '{"smiles": "CCO"}'))).score).toBe(1);
    expect((await grade(multi, { smiles: 'CCO' }, tools('get_acceptors', '{"smiles":"CCO"}'))).score).toBe(0.5);
    expect((await grade(multi, { smiles: 'CCO' }, tools('get_donors', '{"smiles": "CCO"}'))).score).toBe(0.5);
  });
  it('templates may go inside a JSON-string argument (a recorded choice)', () => {
    const sample = tools('f', '{"symbols": ["A", "B"]}');
    expect(renderGraderTemplate('{{sample.output_tools[0].function.arguments.symbols}}', { item: {}, sample })).toBe(
      '["A", "B"]',
    );
  });
});

describe('TV7 score_model with range [1,7]', () => {
  const criterion = {
    type: 'score_model',
    name: 'structured output judge',
    model: 'o3',
    range: [1, 7],
    pass_threshold: 5.5,
    input: [{ role: 'user', content: 'Input: {{item.input}}\nSymbols: {{sample.output_json.symbols}}' }],
  };
  it.each([
    ['{"result": 5.0, "steps": []}', 5, false, false],
    ['{"result": 6, "steps": []}', 6, true, false],
    ['{"result": 9, "steps": []}', 7, true, false],
    ['{"result": "n/a", "steps": []}', 0, false, true],
  ])('stub result %s scores %d (passed %s)', async (reply, score, passed, errored) => {
    const r = await grade(
      criterion,
      { input: 'x' },
      { output_text: '{"symbols":["X"]}', output_json: { symbols: ['X'] } },
      stubJudge(reply),
    );
    expect([r.score, r.passed, r.errored]).toEqual([score, passed, errored]);
    if (errored) expect(r.errors).toEqual(['model_grader_parse_error']);
  });
});

describe('TV9 label_model', () => {
  const criterion = {
    type: 'label_model',
    name: 'sentiment',
    model: 'gpt-4o-2024-08-06',
    input: [
      {
        role: 'developer',
        content: 'Classify the sentiment of the following statement as one of positive, neutral, or negative',
      },
      { role: 'user', content: 'Statement: {{item.response}}' },
    ],
    labels: ['positive', 'neutral', 'negative'],
    passing_labels: ['positive'],
  };
  it(
    'positive passes, neutral fails, a label outside the ' + 'list is a parse error; the model alias map applies',
    async () => {
      const seen: JudgeRequest[] = [];
      const judge = (t: string) => stubJudge(t, seen);
      const g = parse(criterion);
      expect(
        (
          await gradeOpenAI(
            g,
            'sentiment',
            { item: { response: 'great' }, sample: {} },
            judge('{"steps":[],"result":"positive"}'),
          )
        ).passed,
      ).toBe(true);
      expect(
        (await gradeOpenAI(g, 'sentiment', { item: { response: 'ok' }, sample: {} }, judge('neutral'))).score,
      ).toBe(0);
      const bad = await gradeOpenAI(
        g,
        'sentiment',
        { item: { response: 'ok' }, sample: {} },
        judge('{"result":"angry"}'),
      );
      expect([bad.score, bad.errored, bad.errors]).toEqual([0, true, ['model_grader_parse_error']]);
      await gradeOpenAI(g, 'sentiment', { item: { response: 'ok' }, sample: {} }, judge('positive'), {
        modelAliases: { 'gpt-4o-2024-08-06': 'gpt-4.1-mini' },
      });
      expect(seen.at(-1)!.model).toBe('gpt-4.1-mini');
      expect(
        (seen[0]!.jsonSchema!.schema as { properties: { result: { enum: string[] } } }).properties.result.enum,
      ).toEqual(['positive', 'neutral', 'negative']);
    },
  );
  it('passing_labels must be a subset of labels', () => {
    expect(() => parse({ ...criterion, passing_labels: ['happy'] })).toThrow(/subset/);
  });
});

describe('multi formulas (calculate_output)', () => {
  it('the broken official GraderMulti example is a formula_parse_error at load', () => {
    const r = AssertionSchema.safeParse({
      type: 'multi',
      name: 'example multi grader',
      graders: {
        type: 'text_similarity',
        name: 'example text similarity grader',
        input: 'The graded text',
        reference: 'The reference text',
        evaluation_metric: 'fuzzy_match',
      },
      calculate_output: '0.5 * text_similarity_score +  0.5 * string_check_score)',
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(/^formula_parse_error: unknown name 'text_similarity_score'/);
  });
  it('a bare sub-grader becomes a one-entry map keyed by its name', () => {
    const g = parse({
      type: 'multi',
      graders: { type: 'string_check', name: 'x', input: 'a', reference: 'a', operation: 'eq' },
      calculate_output: 'x',
    });
    expect(Object.keys((g as { graders: object }).graders)).toEqual(['x']);
  });
  it('implements ^ as right-associative power above unary minus, n-ary min/max, natural log; no eval', () => {
    const v = (f: string, vars: Record<string, number> = {}) => {
      const p = parseFormula(f, Object.keys(vars));
      if (!p.ok) throw new Error(p.error);
      return p.evaluate(vars);
    };
    expect(v('2^3^2')).toBe(512);
    expect(v('-2^2')).toBe(-4);
    expect(v('2^-1')).toBe(0.5);
    expect(v('min(a, b, 0.3) + max(a)', { a: 0.5, b: 0.4 })).toBeCloseTo(0.8);
    expect(v('log(exp(1)) + sqrt(4) + abs(-1) + floor(1.7) + ceil(0.2)')).toBe(6);
    expect(parseFormula('process.exit()', [])).toMatchObject({ ok: false });
    expect(parseFormula('a b', ['a', 'b'])).toMatchObject({ ok: false });
    expect(() => v('a / b', { a: 1, b: 0 })).toThrow(/division by zero/);
  });
  it('division by zero scores 0 with other_error', async () => {
    const r = await grade(
      {
        type: 'multi',
        graders: { a: { type: 'string_check', input: 'x', reference: 'y', operation: 'eq' } },
        calculate_output: '1 / a',
      },
      {},
      { output_text: '' },
    );
    expect([r.score, r.errored, r.errors]).toEqual([0, true, ['other_error']]);
  });
});

describe('text_similarity metrics', () => {
  it('fuzzy_match reproduces the ratio table of rapidfuzz fuzz.ratio', () => {
    expect(fuzzyRatio('John Doe', 'john doe')).toBeCloseTo(0.75, 4);
    expect(fuzzyRatio('Jon Doe', 'John Doe')).toBeCloseTo(0.9333, 4);
    expect(fuzzyRatio('New York', 'New York City')).toBeCloseTo(0.7619, 4);
    expect(fuzzyRatio('gouty arthritis', 'gout')).toBeCloseTo(0.4211, 4);
    expect(fuzzyRatio('', '')).toBe(1);
    expect(fuzzyRatio('é😀', 'é😀x')).toBeCloseTo(0.8, 10); // code points, not UTF-16 units
  });
  // Values computed with NLTK 3.9.1 and rouge-score 0.1.2 (meteor with WordNet disabled, as Tailor does).
  const cases: [string, string, { bleu: number; gleu: number; meteor: number; r1: number; r2: number; rl: number }][] =
    [
      [
        'the cat sat on the mat today',
        'the cat is sitting on the mat today',
        { bleu: 0.42383656282787796, gleu: 0.5, meteor: 0.7454289732770746, r1: 0.8, r2: 0.6153846153846153, rl: 0.8 },
      ],
      [
        'fuzzy wuzzy was a bear',
        'fuzzy wuzzy had no hair',
        { bleu: 8.38826642100846e-155, gleu: 0.21428571428571427, meteor: 0.375, r1: 0.4, r2: 0.25, rl: 0.4 },
      ],
      [
        'I am running quickly to the stations',
        'he runs quick to the station',
        {
          bleu: 6.968148412761692e-155,
          gleu: 0.13636363636363635,
          meteor: 0.6147540983606558,
          r1: 0.30769230769230765,
          r2: 0.1818181818181818,
          rl: 0.30769230769230765,
        },
      ],
    ];
  it.each(cases)('%s / %s matches NLTK and rouge-score', (h, r, want) => {
    expect(bleu(h, r) / want.bleu).toBeCloseTo(1, 6);
    expect(gleu(h, r)).toBeCloseTo(want.gleu, 10);
    expect(meteor(h, r)).toBeCloseTo(want.meteor, 10);
    expect(rouge('rouge_1', h, r)).toBeCloseTo(want.r1, 10);
    expect(rouge('rouge_2', h, r)).toBeCloseTo(want.r2, 10);
    expect(rouge('rouge_l', h, r)).toBeCloseTo(want.rl, 10);
  });
  it('the Porter stemmer matches NLTK ORIGINAL_ALGORITHM on common words', () => {
    expect(
      [
        'running',
        'stations',
        'caresses',
        'ponies',
        'relational',
        'hopeful',
        'generalization',
        'sitting',
        'agreed',
        'happy',
      ].map(porterStem),
    ).toEqual(['run', 'station', 'caress', 'poni', 'relat', 'hope', 'gener', 'sit', 'agre', 'happi']);
  });
  it('accepts rouge-1 for rouge_1 and a pass_threshold (passed = score ≥ threshold)', async () => {
    const r = await grade(
      {
        type: 'text_similarity',
        name: 's',
        input: '{{sample.output_text}}',
        reference: '{{item.ref}}',
        evaluation_metric: 'rouge-1',
        pass_threshold: 0.79,
      },
      { ref: 'the cat is sitting on the mat today' },
      { output_text: 'the cat sat on the mat today' },
    );
    expect(r.score).toBeCloseTo(0.8, 10);
    expect(r.passed).toBe(true);
  });
});
