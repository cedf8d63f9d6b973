import cl100k from 'gpt-tokenizer/cjs/encoding/cl100k_base';
import o200k from 'gpt-tokenizer/cjs/encoding/o200k_base';
import { DEFAULT_TRAINING_PRICES, mergePricing, trainingPriceFor } from '../../config/pricing';
import { estimateCost } from '../../core/dataset/costEstimate';
import { Distribution } from '../../core/dataset/distribution';
import { defaultEpochs } from '../../core/dataset/epochs';
import { countExampleTokens } from '../../core/dataset/exampleTokens';
import { daysUntilShutdown, modelProfile } from '../../core/dataset/modelProfile';
import { tokenCounter } from '../../core/dataset/tokenCounter';

const TRICKY = [
  'hello   world\n\n  x',
  ' \n \n\t a',
  "I'm  don't WE'LL\r\n\r\n",
  '1234567890 abc 3.14159',
  'Ünïcödé 😀 中文字符 العربية  ',
  '<|endoftext|> special <|im_start|>',
  '    indented code\n\tfoo(bar)  ',
  'a\u00a0b\u200bc',
  'x'.repeat(500),
  'https://example.com/path?q=1&r=2#frag',
  '',
];

describe('token counting', () => {
  test.each([
    ['o200k_base', o200k],
    ['cl100k_base', cl100k],
  ] as const)('the cached piece counter equals gpt-tokenizer on tricky text (%s)', (name, api) => {
    const c = tokenCounter(name);
    for (const t of TRICKY) {
      const expected = api.encode(t, { disallowedSpecial: new Set() }).length;
      expect([t, c.count(t)]).toEqual([t, expected]);
      expect(c.count(t)).toBe(expected); // cached second time round
    }
  });

  test.each([
    ['o200k_base', o200k],
    ['cl100k_base', cl100k],
  ] as const)('equals gpt-tokenizer on 3,000 random ASCII and mixed-script texts (%s)', (name, api) => {
    const c = tokenCounter(name);
    let x = 7;
    const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) / (1 << 24);
    const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.;:!?\'"-_/()[]{}<>|@#$%^&*+=~`\n\t';
    const exotic = ['é', 'ß', '中', '😀', 'Ж', '\u00a0', 'ـ', '\u0301'];
    for (let k = 0; k < 3000; k++) {
      let t = '';
      const len = 1 + Math.floor(rnd() * 80);
      for (let i = 0; i < len; i++)
        t +=
          k % 5 === 0 && rnd() < 0.1
            ? exotic[Math.floor(rnd() * exotic.length)]
            : chars[Math.floor(rnd() * chars.length)];
      expect([t, c.count(t)]).toEqual([t, api.encode(t, { disallowedSpecial: new Set() }).length]);
    }
  });

  test('the tokenizer follows the model: o200k for gpt-4o/4.1, cl100k for gpt-3.5/gpt-4', () => {
    expect(modelProfile('gpt-4o-mini-2024-07-18')).toMatchObject({
      family: 'gpt-4o-mini',
      encoding: 'o200k_base',
      exampleTokenLimit: 65_536,
    });
    expect(modelProfile('gpt-4.1-nano-2025-04-14')).toMatchObject({
      encoding: 'o200k_base',
      exampleTokenLimit: 32_768,
    });
    expect(modelProfile('gpt-3.5-turbo-0125')).toMatchObject({ encoding: 'cl100k_base', exampleTokenLimit: 16_385 });
    expect(modelProfile('gpt-3.5-turbo-0613')).toMatchObject({ exampleTokenLimit: 4_096 });
    expect(modelProfile('gpt-4-0613')).toMatchObject({
      family: 'gpt-4',
      encoding: 'cl100k_base',
      exampleTokenLimit: 8_192,
    });
    expect(modelProfile('ft:gpt-4.1-mini-2025-04-14:acme::abc123')).toMatchObject({
      family: 'gpt-4.1-mini',
      known: true,
    });
    expect(modelProfile('tailor-local-small')).toMatchObject({ known: false, encoding: 'o200k_base' });
  });

  test('shutdown dates are flagged relative to a given day', () => {
    expect(daysUntilShutdown(modelProfile('gpt-3.5-turbo'), '2026-11-01')).toBeLessThan(0);
    expect(daysUntilShutdown(modelProfile('gpt-4.1-nano'), '2026-10-01')).toBe(22);
    expect(daysUntilShutdown(modelProfile('gpt-4.1'), '2026-10-01')).toBeUndefined();
  });

  test('an example counts as the guide counts it: 3 per message + every string value (+1 for name) + 3', () => {
    const c = tokenCounter('cl100k_base');
    const n = (s: string) => cl100k.encode(s).length;
    const ex = {
      messages: [
        {
          role: 'system',
          content: 'You are Marv, a chatbot that reluctantly answers questions with sarcastic responses.',
        },
        { role: 'user', name: 'bob', content: "What's the capital of France?" },
        { role: 'assistant', content: "Paris, as if everyone doesn't know that already.", weight: 1 },
      ],
    };
    const expected =
      3 +
      [ex.messages[0]!, ex.messages[1]!, ex.messages[2]!].reduce(
        (acc, m) =>
          acc +
          3 +
          Object.entries(m).reduce((a, [k, v]) => a + (typeof v === 'string' ? n(v) + (k === 'name' ? 1 : 0) : 0), 0),
        0,
      );
    const t = countExampleTokens(ex, 'supervised', c)!;
    expect(t.total).toBe(expected);
    expect(t.assistant).toBe(n(ex.messages[2]!.content));
    expect(t.messages).toBe(3);
  });

  test('tool calls, text parts and images are counted instead of crashing', () => {
    const c = tokenCounter('o200k_base');
    const t = countExampleTokens(
      {
        tools: [{ type: 'function', function: { name: 'f' } }],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image_url', image_url: { url: 'https://x.test/i.png' } },
            ],
          },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
          },
        ],
      },
      'supervised',
      c,
    )!;
    expect(t.total).toBeGreaterThan(85);
    expect(t.assistant).toBe(c.count('f') + c.count('{"a":1}'));
  });
});

describe('statistics', () => {
  test("reproduces the guide's printed figures for its toy file (numpy quantiles; 'p5/p95' are p10/p90)", () => {
    const tokens = new Distribution();
    for (const v of [26, 28, 45, 111, 8032]) tokens.add(v);
    expect(tokens.summary()).toEqual({
      min: 26,
      max: 8032,
      mean: 1648.4,
      median: 45,
      p10: 26.8,
      p90: expect.closeTo(4863.6, 6),
    });
    const messages = new Distribution();
    for (const v of [3, 2, 9, 3, 2]) messages.add(v);
    expect(messages.summary()).toMatchObject({
      min: 2,
      max: 9,
      mean: 3.8,
      median: 3,
      p10: 2,
      p90: expect.closeTo(6.6, 6),
    });
  });

  test('even-sized data: the median averages the middle pair', () => {
    const d = new Distribution();
    for (const v of [1, 2, 3, 4]) d.add(v);
    expect(d.summary()).toMatchObject({ median: 2.5, p10: 1.3, p90: expect.closeTo(3.7, 6) });
  });
});

describe('epochs and cost', () => {
  test("OpenAI's default epoch rule", () => {
    expect(defaultEpochs(5)).toBe(20);
    expect(defaultEpochs(10)).toBe(10);
    expect(defaultEpochs(3)).toBe(25);
    expect(defaultEpochs(34)).toBe(3);
    expect(defaultEpochs(8333)).toBe(3);
    expect(defaultEpochs(8334)).toBe(2);
    expect(defaultEpochs(30000)).toBe(1);
  });

  test("the guide's toy estimate: ~4306 billed tokens (4096 cap) × 20 epochs = 86120", () => {
    const limit = 4096;
    const billed = [26, 28, 45, 111, 8032].reduce((a, t) => a + Math.min(limit, t), 0);
    expect(billed).toBe(4306);
    const e = estimateCost({
      examples: 5,
      billedTokensPerEpoch: billed,
      model: 'gpt-3.5-turbo-0613',
      method: 'supervised',
      price: { perMillionTokens: 8 },
    });
    expect(e).toMatchObject({
      epochs: 20,
      epochsSource: 'default',
      billedTokens: 86_120,
      usd: 0.69,
      pricePerMillion: 8,
    });
  });

  test("the guide's worked price example: 100k tokens × 3 epochs on gpt-4o-mini ≈ $0.90", () => {
    const price = trainingPriceFor('gpt-4o-mini-2024-07-18')!.price;
    expect(
      estimateCost({
        examples: 100,
        billedTokensPerEpoch: 100_000,
        epochs: 3,
        model: 'gpt-4o-mini',
        method: 'supervised',
        price,
      }).usd,
    ).toBe(0.9);
  });

  test('the price table resolves families and can be overridden', () => {
    expect(trainingPriceFor('gpt-4.1-mini-2025-04-14')).toEqual({
      key: 'gpt-4.1-mini',
      price: { perMillionTokens: 5 },
    });
    expect(trainingPriceFor('gpt-4o-2024-08-06')!.key).toBe('gpt-4o');
    expect(trainingPriceFor('gpt-4-0613')!.key).toBe('gpt-4');
    expect(trainingPriceFor('mystery-model')).toBeUndefined();
    const t = mergePricing({ 'gpt-4o-mini': { perMillionTokens: 1 }, 'tailor-local': { perMillionTokens: 0 } });
    expect(trainingPriceFor('gpt-4o-mini-2024-07-18', t)!.price.perMillionTokens).toBe(1);
    expect(trainingPriceFor('tailor-local-small', t)!.price.perMillionTokens).toBe(0);
    expect(DEFAULT_TRAINING_PRICES['gpt-4o-mini']!.perMillionTokens).toBe(3);
  });

  test('reinforcement bills hours: no token estimate, a note instead', () => {
    const e = estimateCost({
      examples: 100,
      billedTokensPerEpoch: 1000,
      model: 'o4-mini',
      method: 'reinforcement',
      price: { perHour: 100 },
    });
    expect(e).toMatchObject({ usd: 0, pricePerMillion: 0, note: expect.stringMatching(/\$100\/hour/) });
  });
});
