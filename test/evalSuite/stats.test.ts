import { classificationMetrics } from '../../core/stats/classificationMetrics';
import { evaluateGateRules, GateRuleSchema, requiredComparisons, type Comparison } from '../../core/stats/gateRules';
import { mcnemarExact, mcnemarPValue } from '../../core/stats/mcnemar';
import { pairedBootstrapMean } from '../../core/stats/pairedBootstrap';

describe('statistics', () => {
  it('paired bootstrap: deterministic per seed, brackets the observed difference, narrows with n', () => {
    const a = Array.from({ length: 200 }, (_, i) => (i % 10 < 8 ? 1 : 0)); // 0.8
    const b = Array.from({ length: 200 }, (_, i) => (i % 10 < 6 ? 1 : 0)); // 0.6
    const ci = pairedBootstrapMean(a, b, { seed: 'x', resamples: 1000 });
    expect(pairedBootstrapMean(a, b, { seed: 'x', resamples: 1000 })).toEqual(ci);
    expect(ci.diff).toBeCloseTo(0.2, 10);
    expect(ci.low).toBeGreaterThan(0.1);
    expect(ci.high).toBeLessThan(0.3);
    expect(ci.low).toBeLessThan(ci.diff);
    const small = pairedBootstrapMean(a.slice(0, 20), b.slice(0, 20), { seed: 'x', resamples: 1000 });
    expect(small.high - small.low).toBeGreaterThan(ci.high - ci.low);
    expect(pairedBootstrapMean(a, b, { seed: 'y', resamples: 1000 }).low).not.toBe(ci.low);
  });

  it('McNemar exact: matches binomial tails', () => {
    expect(mcnemarPValue(0, 0)).toBe(1);
    expect(mcnemarPValue(0, 5)).toBeCloseTo(2 / 32, 12); // 2 · 0.5^5
    expect(mcnemarPValue(1, 9)).toBeCloseTo((2 * (1 + 10)) / 1024, 12);
    expect(mcnemarPValue(5, 5)).toBe(1);
    expect(mcnemarPValue(2000, 2100)).toBeGreaterThan(0.1); // no underflow for large n
    const r = mcnemarExact([1, 1, 1, 0, 1], [0, 0, 1, 0, 1]);
    expect([r.b, r.c]).toEqual([0, 2]);
  });

  it('classification metrics: accuracy, macro-F1 over present labels, confusion matrix', () => {
    const m = classificationMetrics([
      { expected: 'a', predicted: 'a' },
      { expected: 'a', predicted: 'b' },
      { expected: 'b', predicted: 'b' },
      { expected: 'c', predicted: 'b' },
    ]);
    expect(m.accuracy).toBe(0.5);
    // F1: a = 2·1·.5/1.5 = .667; b = 2·(1/3)·1/(4/3) = .5; c = 0 → mean .389
    expect(m.macroF1).toBeCloseTo((2 / 3 + 0.5 + 0) / 3, 10);
    expect(m.confusion).toEqual({
      labels: ['a', 'b', 'c'],
      counts: [
        [1, 1, 0],
        [0, 1, 0],
        [0, 1, 0],
      ],
    });
  });

  it('gate rules: thresholds and better_than with alias fallback; the decision records its numbers', () => {
    const rules = [
      'accuracy >= 0.85',
      { better_than: 'prod at 0.95' },
      'latency_p95_ms <= 500',
      { not_worse_than: 'zero', at: 0.9, margin: 0.05, metric: 'macro_f1' },
    ].map((r) => GateRuleSchema.parse(r));
    const metrics = {
      ft: { accuracy: 0.9, latency_p95_ms: 650, macro_f1: 0.88 },
      zero: { accuracy: 0.3, macro_f1: 0.2 },
    };
    const aliases = { prod: ['production', 'zero'] };
    expect(requiredComparisons(rules, { candidate: 'ft', primaryMetric: 'accuracy', metrics, aliases })).toEqual([
      { baseline: 'zero', metric: 'accuracy', level: 0.95 },
      { baseline: 'zero', metric: 'macro_f1', level: 0.9 },
    ]);
    const comparisons: Comparison[] = [
      {
        candidate: 'ft',
        baseline: 'zero',
        metric: 'accuracy',
        level: 0.95,
        diff: 0.6,
        low: 0.5,
        high: 0.7,
        n: 96,
        pValue: 1e-12,
      },
      { candidate: 'ft', baseline: 'zero', metric: 'macro_f1', level: 0.9, diff: 0.68, low: 0.6, high: 0.75, n: 96 },
    ];
    const d = evaluateGateRules(rules, { candidate: 'ft', primaryMetric: 'accuracy', metrics, comparisons, aliases });
    expect(d.passed).toBe(false);
    expect(d.rules.map((r) => r.passed)).toEqual([true, true, false, true]);
    expect(d.rules[1]).toMatchObject({ baseline: 'zero', comparison: comparisons[0] });
    expect(d.rules[1]!.reason).toMatch(/better than prod → zero: accuracy difference 0.600 \[0.500, 0.700\] at 95%/);
    expect(d.reason).toMatch(/^latency_p95_ms <= 500: latency_p95_ms 650.0 fails <= 500/);
  });

  it('gate rules: bad rules are rejected with what was expected; a missing baseline fails with a reason', () => {
    expect(GateRuleSchema.safeParse('accuracy is great').error!.issues[0]!.message).toMatch(/expected a rule such as/);
    const d = evaluateGateRules([GateRuleSchema.parse('better_than: prod')], {
      candidate: 'ft',
      primaryMetric: 'accuracy',
      metrics: { ft: {} },
      comparisons: [],
    });
    expect(d.rules[0]!.reason).toBe("no variant 'prod' was scored");
  });
});
