import fs from 'node:fs';
import path from 'node:path';
import { validateFile } from '../../activities/dataset/validateFile';
import { ERROR_CATEGORIES, type ErrorCategory } from '../../core/dataset/errorCategories';
import type { TrainingMethod } from '../../core/dataset/messageChecks';
import { chatLines, useTmpHome, writeJsonl } from './support';

const tmp = useTmpHome();
const MODEL = 'gpt-4o-mini-2024-07-18';

const sys = { role: 'system', content: 'You route tickets.' };
const user = { role: 'user', content: 'Where is my parcel?' };
const asst = { role: 'assistant', content: 'shipping' };
const weatherTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: {} } },
};
const call = (name: string, args: string) => ({ id: 'call_1', type: 'function', function: { name, arguments: args } });

/** One bad line per category; each goes after 10 valid lines, so it sits on line 11. */
const SUPERVISED_CASES: [ErrorCategory, unknown][] = [
  ['data_type', [1, 2, 3]],
  ['missing_messages_list', { messages: [] }],
  ['message_missing_key', { messages: [{ content: 'hi' }, asst] }],
  ['message_unrecognized_key', { messages: [{ ...user, mood: 'angry' }, asst] }],
  ['unrecognized_role', { messages: [{ role: 'developer', content: 'be nice' }, user, asst] }],
  ['missing_content', { messages: [user, { role: 'assistant', content: '' }] }],
  ['example_missing_assistant_message', { messages: [sys, user] }],
  ['invalid_weight', { messages: [user, { ...asst, weight: 0.5 }] }],
  [
    'invalid_content_part',
    {
      messages: [
        user,
        { role: 'assistant', content: [{ type: 'image_url', image_url: { url: 'https://x.test/a.png' } }] },
      ],
    },
  ],
  [
    'too_many_images',
    {
      messages: [
        {
          role: 'user',
          content: Array.from({ length: 11 }, () => ({
            type: 'image_url',
            image_url: { url: 'https://x.test/a.png' },
          })),
        },
        asst,
      ],
    },
  ],
  ['invalid_tools', { tools: [{ type: 'function', function: {} }], messages: [user, asst] }],
  [
    'invalid_tool_call',
    {
      tools: [weatherTool],
      messages: [user, { role: 'assistant', content: null, tool_calls: [call('get_weather', '{not json')] }],
    },
  ],
  [
    'undeclared_tool',
    {
      tools: [weatherTool],
      messages: [user, { role: 'assistant', content: null, tool_calls: [call('delete_account', '{}')] }],
    },
  ],
  ['special_token', { messages: [user, { role: 'assistant', content: 'shipping<|endoftext|>' }] }],
];

async function validateWithBadLine(bad: unknown, method: TrainingMethod, valid: string[]) {
  const file = writeJsonl(tmp.dir(), `case-${Math.random().toString(36).slice(2)}.jsonl`, [
    ...valid,
    typeof bad === 'string' ? bad : JSON.stringify(bad),
  ]);
  return validateFile(file, { model: MODEL, method });
}

describe('validation error categories (supervised)', () => {
  test.each(SUPERVISED_CASES)('%s is reported on its line', async (category, bad) => {
    const r = await validateWithBadLine(bad, 'supervised', chatLines(10));
    expect(r.valid).toBe(false);
    expect(r.errors[category]).toBeGreaterThanOrEqual(1);
    expect(r.errorSamples).toEqual(expect.arrayContaining([expect.objectContaining({ line: 11, category })]));
    // Only the bad line is wrong.
    expect(r.errorSamples.every((s) => s.line === 11)).toBe(true);
  });

  test('weight on a non-assistant message is invalid_weight', async () => {
    const r = await validateWithBadLine({ messages: [{ ...user, weight: 1 }, asst] }, 'supervised', chatLines(10));
    expect(r.errors.invalid_weight).toBe(1);
  });

  test(
    'a tool result answering no call is ' + 'invalid_tool_call; a missing tool_call_id is ' + 'message_missing_key',
    async () => {
      const r1 = await validateWithBadLine(
        { messages: [user, { role: 'tool', tool_call_id: 'nope', content: '{}' }, asst] },
        'supervised',
        chatLines(10),
      );
      expect(r1.errors.invalid_tool_call).toBe(1);
      const r2 = await validateWithBadLine(
        { messages: [user, { role: 'tool', content: '{}' }, asst] },
        'supervised',
        chatLines(10),
      );
      expect(r2.errors.message_missing_key).toBe(1);
    },
  );

  test(
    'what the guide notebook wrongly rejects is valid: tools, tool role, weight, images, null content with ' +
      'tool_calls',
    async () => {
      const good = [
        {
          tools: [weatherTool],
          messages: [
            sys,
            { role: 'user', content: 'Weather in Paris?' },
            { role: 'assistant', content: null, tool_calls: [call('get_weather', '{"city":"Paris"}')], weight: 0 },
            { role: 'tool', tool_call_id: 'call_1', content: '{"temp": 21}' },
            { role: 'assistant', content: 'It is 21°C in Paris.', weight: 1 },
          ],
        },
        {
          messages: [
            sys,
            {
              role: 'user',
              content: [
                { type: 'text', text: 'What is this?' },
                { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
              ],
            },
            asst,
          ],
        },
        {
          functions: [{ name: 'lookup' }],
          messages: [
            user,
            { role: 'assistant', function_call: { name: 'lookup', arguments: '{}' } },
            { role: 'function', name: 'lookup', content: 'ok' },
            asst,
          ],
        },
      ];
      const file = writeJsonl(tmp.dir(), 'good-tools.jsonl', [...chatLines(10), ...good]);
      const r = await validateFile(file, { model: MODEL, method: 'supervised' });
      expect(r.errors).toEqual({});
      expect(r.valid).toBe(true);
      expect(r.examples).toBe(13);
    },
  );
});

describe('DPO and reinforcement schemas', () => {
  const dpo = (i: number) => ({
    input: { messages: [{ role: 'user', content: `Question ${i}: how do I reset my password?` }] },
    preferred_output: [{ role: 'assistant', content: `Use the reset link (${i}).` }],
    non_preferred_output: [{ role: 'assistant', content: `No idea (${i}).` }],
  });
  const dpoLines = Array.from({ length: 10 }, (_, i) => JSON.stringify(dpo(i)));

  test('valid DPO data passes', async () => {
    const r = await validateWithBadLine(dpo(99), 'dpo', dpoLines);
    expect(r.errors).toEqual({});
    expect(r.tokens.total).toBeGreaterThan(0);
  });
  test('dpo_invalid_input: a chat line submitted as DPO', async () => {
    const r = await validateWithBadLine({ messages: [user, asst] }, 'dpo', dpoLines);
    expect(r.errorSamples).toEqual(
      expect.arrayContaining([expect.objectContaining({ line: 11, category: 'dpo_invalid_input' })]),
    );
  });
  test('dpo_invalid_output: two preferred messages, a non-assistant role, the legacy _completion name', async () => {
    const bad = {
      ...dpo(1),
      preferred_output: [
        { role: 'assistant', content: 'a' },
        { role: 'assistant', content: 'b' },
      ],
    };
    expect((await validateWithBadLine(bad, 'dpo', dpoLines)).errors.dpo_invalid_output).toBe(1);
    const badRole = { ...dpo(2), non_preferred_output: [{ role: 'user', content: 'x' }] };
    expect((await validateWithBadLine(badRole, 'dpo', dpoLines)).errors.dpo_invalid_output).toBe(1);
    const { preferred_output, ...rest } = dpo(3);
    const legacy = await validateWithBadLine({ ...rest, preferred_completion: preferred_output }, 'dpo', dpoLines);
    expect(legacy.errorSamples.find((s) => s.line === 11)?.message).toMatch(/preferred_completion/);
  });

  const rft = (i: number) => ({
    messages: [
      { role: 'developer', content: 'Answer with a number.' },
      { role: 'user', content: `What is ${i} + ${i}?` },
    ],
    reference_answer: String(2 * i),
  });
  const rftLines = Array.from({ length: 10 }, (_, i) => JSON.stringify(rft(i)));

  test('valid reinforcement data passes, with grader fields and no assistant message', async () => {
    const r = await validateWithBadLine(rft(50), 'reinforcement', rftLines);
    expect(r.errors).toEqual({});
    expect(r.estimate.usd).toBe(0);
    expect(r.warnings.join('\n')).toMatch(/wall-clock/);
  });
  test('reinforcement rejects the system role (use developer)', async () => {
    const r = await validateWithBadLine(
      { messages: [{ role: 'system', content: 'x' }, user], reference_answer: '1' },
      'reinforcement',
      rftLines,
    );
    expect(r.errorSamples.find((s) => s.line === 11)).toMatchObject({
      category: 'unrecognized_role',
      message: expect.stringMatching(/developer/),
    });
  });
});

describe('whole-file checks', () => {
  test('too_few_examples under 10, a warning under 50', async () => {
    const few = await validateFile(writeJsonl(tmp.dir(), 'few.jsonl', chatLines(9)), {
      model: MODEL,
      method: 'supervised',
    });
    expect(few.errors.too_few_examples).toBe(1);
    expect(few.errorSamples[0]).toMatchObject({ line: 0, category: 'too_few_examples' });
    const some = await validateFile(writeJsonl(tmp.dir(), 'some.jsonl', chatLines(20)), {
      model: MODEL,
      method: 'supervised',
    });
    expect(some.valid).toBe(true);
    expect(some.warnings.join('\n')).toMatch(/at least 50/);
  });

  test('duplicates, missing system/user messages and label balance are warned about', async () => {
    const lines = [
      ...chatLines(30),
      chatLines(1)[0]!,
      JSON.stringify({ messages: [user, asst] }),
      JSON.stringify({ messages: [sys, asst] }),
    ];
    const r = await validateFile(writeJsonl(tmp.dir(), 'warn.jsonl', lines), { model: MODEL, method: 'supervised' });
    const w = r.warnings.join('\n');
    expect(w).toMatch(/line 31: 1 duplicate example\(s\) \(first repeats line 1\)/);
    expect(w).toMatch(/line 32: 1 example\(s\) missing a system message/);
    expect(w).toMatch(/line 33: 1 example\(s\) missing a user message/);
    expect(r.stats).toMatchObject({ duplicates: 1, missingSystem: 1, missingUser: 1 });
    expect(r.labels).toEqual({ billing: 11, shipping: 12, technical_issue: 10 });
    const skewed = [
      ...chatLines(30).map((l, i) =>
        i % 3 === 2 ? l.replace('"content":"technical_issue"', '"content":"billing"') : l,
      ),
      ...chatLines(2, 1000).map((l) =>
        l.replace(/"content":"(billing|shipping|technical_issue)"/, '"content":"technical_issue"'),
      ),
    ];
    const r2 = await validateFile(writeJsonl(tmp.dir(), 'skew.jsonl', skewed), { model: MODEL, method: 'supervised' });
    expect(r2.warnings.join('\n')).toMatch(/label imbalance: 'technical_issue' \(2\)/);
  });

  test('examples over the model limit are counted and warned about (truncation)', async () => {
    const long = { messages: [user, { role: 'assistant', content: 'word '.repeat(5000) }] };
    const r = await validateFile(writeJsonl(tmp.dir(), 'long.jsonl', [...chatLines(10), long]), {
      model: 'gpt-3.5-turbo-0613',
      method: 'supervised',
    });
    expect(r.exampleTokenLimit).toBe(4096);
    expect(r.encoding).toBe('cl100k_base');
    expect(r.stats.overTokenLimit).toBe(1);
    expect(r.warnings.join('\n')).toMatch(/line 11: 1 example\(s\) exceed .*4,096-token training limit/);
    expect(r.tokens.billed).toBe(r.tokens.total - r.tokens.perExample.max + 4096);
  });
});

describe('coverage of the error categories', () => {
  test('every category in ERROR_CATEGORIES is triggered by a test file in test/dataset', () => {
    // Keeps the promise "each error category has a test with a file that triggers it" true as categories are added.
    const tests = fs
      .readdirSync(__dirname)
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => fs.readFileSync(path.join(__dirname, f), 'utf8'))
      .join('\n');
    const untested = Object.keys(ERROR_CATEGORIES).filter(
      (c) => !new RegExp(`['"{ ]${c}['": ]`).test(tests.replace(/ERROR_CATEGORIES[^\n]*\n/g, '')),
    );
    expect(untested).toEqual([]);
  });
});
