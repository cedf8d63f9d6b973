import { assertNoEvalCases, excludeEvalCases, FewShotLeakError } from '../../core/fewshot/evalSplitGuard';
import { inputHash, type FewShotExample } from '../../core/fewshot/fewShotExample';
import { FewShotSpecSchema, FewShotStrategySchema } from '../../core/fewshot/fewShotSpec';
import { selectExamples } from '../../core/fewshot/selectExamples';
import { rankMmr } from '../../core/fewshot/selectMmr';
import { selectSeededRandom } from '../../core/fewshot/seededRandom';
import { takeWithinBudget } from '../../core/fewshot/tokenBudget';

const ex = (index: number, input: string, output = `out${index}`): FewShotExample => ({
  index,
  input,
  output,
  hash: inputHash(input),
});
const pool = [
  ex(0, 'reset my password'),
  ex(1, 'charged twice'),
  ex(2, 'where is my parcel'),
  ex(3, 'refund please'),
  ex(4, 'app crashes'),
  ex(5, 'is it waterproof'),
];
const tokens = (e: FewShotExample) => e.input.split(' ').length * 10;

describe('few-shot selection', () => {
  it('defaults k to 3 with a seeded random strategy', () => {
    expect(FewShotSpecSchema.parse({})).toEqual({ k: 3, strategy: { type: 'random', seed: 'tailor' } });
  });

  it('takes a strategy name as shorthand for the strategy with its defaults', () => {
    const similar = FewShotStrategySchema.parse({ type: 'similar' });
    expect(FewShotSpecSchema.parse({ k: 5, strategy: 'similar' }).strategy).toEqual(similar);
    expect(FewShotStrategySchema.parse('random')).toEqual({ type: 'random', seed: 'tailor' });
    expect(FewShotStrategySchema.parse('mmr')).toMatchObject({ type: 'mmr', lambda: 0.5, fetch: 20 });
    // fixed has no default examples, and an unknown name is still refused.
    expect(FewShotStrategySchema.safeParse('fixed').error?.issues[0]?.path).toEqual(['examples']);
    expect(FewShotStrategySchema.safeParse('nearest').success).toBe(false);
  });

  it('seeded random is reproducible and depends on the seed and the input', () => {
    const a = selectSeededRandom(pool, 3, 's', 'q1');
    expect(selectSeededRandom(pool, 3, 's', 'q1')).toEqual(a);
    expect(a).toHaveLength(3);
    const others = ['s2', 's3', 's4'].map((s) =>
      selectSeededRandom(pool, 3, s, 'q1')
        .map((e) => e.index)
        .join(),
    );
    expect(new Set([a.map((e) => e.index).join(), ...others]).size).toBeGreaterThan(1);
  });

  it('fixed picks the listed positions, in order', () => {
    const s = FewShotSpecSchema.parse({ k: 2, strategy: { type: 'fixed', examples: [4, 1] } });
    expect(
      selectExamples(s, { pool, evalHashes: new Set(), exampleTokens: tokens }, { input: 'x' }).examples.map(
        (e) => e.index,
      ),
    ).toEqual([4, 1]);
  });

  it('similar returns the k nearest, nearest last; mmr prefers diverse neighbours', () => {
    // 2-D vectors: 0 and 1 are near-duplicates close to the query, 2 is a bit further in another direction.
    const vecs = [
      [1, 0.05],
      [1, 0.06],
      [0.8, 0.6],
      [0, 1],
      [-1, 0],
      [0, -1],
    ];
    const spec = FewShotSpecSchema.parse({ k: 2, strategy: { type: 'similar' } });
    const sel = selectExamples(
      spec,
      { pool, poolVectors: vecs, evalHashes: new Set(), exampleTokens: tokens },
      { input: 'q', vector: [1, 0] },
    );
    expect(sel.examples.map((e) => e.index)).toEqual([1, 0]);
    expect(rankMmr([1, 0], vecs, 0.3, 3)).toEqual([0, 2, 1]);
    const mmr = selectExamples(
      FewShotSpecSchema.parse({ k: 2, strategy: { type: 'mmr', lambda: 0.3, fetch: 3 } }),
      { pool, poolVectors: vecs, evalHashes: new Set(), exampleTokens: tokens },
      { input: 'q', vector: [1, 0] },
    );
    expect(mmr.examples.map((e) => e.index)).toEqual([2, 0]);
  });

  it('a token budget combines with any strategy: skips examples that do not fit, keeps order', () => {
    expect(takeWithinBudget(pool, 3, tokens, 70).items.map((e) => e.index)).toEqual([0, 1, 3]);
    const spec = FewShotSpecSchema.parse({ k: 5, strategy: { type: 'fixed', examples: [2, 0, 1] }, tokenBudget: 60 });
    const sel = selectExamples(spec, { pool, evalHashes: new Set(), exampleTokens: tokens }, { input: 'x' });
    expect(sel.examples.map((e) => e.index)).toEqual([2, 1]);
    expect(sel.tokens).toBe(60);
  });

  it('never draws an example from the evaluation split (by content hash, normalised)', () => {
    const evalHashes = new Set([inputHash('  Charged   TWICE ')]);
    const { pool: kept, excluded } = excludeEvalCases(pool, evalHashes);
    expect(excluded).toBe(1);
    expect(kept.map((e) => e.index)).not.toContain(1);
    expect(() => assertNoEvalCases([pool[1]!], evalHashes)).toThrow(FewShotLeakError);
    expect(() =>
      selectExamples(
        FewShotSpecSchema.parse({ k: 1, strategy: { type: 'fixed', examples: [1] } }),
        { pool, evalHashes, exampleTokens: tokens },
        { input: 'x' },
      ),
    ).toThrow(FewShotLeakError);
  });
});
