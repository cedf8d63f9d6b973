import { z } from 'zod';

/**
 * Gate rules: when a candidate may ship. Written in a spec as strings or objects:
 *   - "accuracy >= 0.85"                      a metric of the candidate against a number
 *   - better_than: prod at 0.95               the paired bootstrap interval of (candidate − prod) lies above 0
 *   - {better_than: prod, at: 0.95, metric: macro_f1, margin: 0.02}
 *   - not_worse_than: prod at 0.95 by 0.01    non-inferiority: the interval's low end is above −0.01
 * A baseline is a variant id or an alias (`prod`), resolved through a fallback list (prod → base when there is no
 * production model yet). The decision carries every rule's inputs and numbers, so a run's result explains itself.
 */
const OPS = ['>=', '>', '<=', '<', '=='] as const;
type Op = (typeof OPS)[number];

export type GateRule =
  | { kind: 'threshold'; text: string; metric: string; op: Op; value: number }
  | {
      kind: 'better_than' | 'not_worse_than';
      text: string;
      baseline: string;
      level: number;
      metric?: string;
      margin: number;
    };

const THRESHOLD = /^\s*([A-Za-z_][\w.#-]*)\s*(>=|<=|==|>|<)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/i;
const VERSUS =
  /^\s*([A-Za-z0-9_][\w.:/-]*)(?:\s+at\s+(0?\.\d+|1(?:\.0+)?))?(?:\s+(?:by|margin)\s+(\d*\.?\d+))?(?:\s+on\s+([A-Za-z_][\w.#-]*))?\s*$/;

function versusRule(
  kind: 'better_than' | 'not_worse_than',
  spec: string,
  extra: { at?: number; metric?: string; margin?: number },
  ctx: z.RefinementCtx,
): GateRule {
  const m = VERSUS.exec(spec);
  if (!m) {
    ctx.addIssue({
      code: 'custom',
      message: `expected "${kind}: BASELINE [at LEVEL] [by MARGIN] [on METRIC]", got ${JSON.stringify(spec)}`,
    });
    return z.NEVER;
  }
  const level = extra.at ?? (m[2] ? Number(m[2]) : 0.95);
  const margin = extra.margin ?? (m[3] ? Number(m[3]) : 0);
  const metric = extra.metric ?? m[4];
  const text = `${kind}: ${m[1]} at ${level}${margin ? ` by ${margin}` : ''}${metric ? ` on ${metric}` : ''}`;
  return { kind, text, baseline: m[1]!, level, margin, ...(metric ? { metric } : {}) };
}

export const GateRuleSchema = z
  .union([
    z.string(),
    z.object({ metric: z.string().min(1), op: z.enum(OPS), value: z.number() }).strict(),
    z
      .object({
        better_than: z.string().min(1),
        at: z.number().gt(0).lt(1).optional(),
        metric: z.string().optional(),
        margin: z.number().min(0).optional(),
      })
      .strict(),
    z
      .object({
        not_worse_than: z.string().min(1),
        at: z.number().gt(0).lt(1).optional(),
        metric: z.string().optional(),
        margin: z.number().min(0).optional(),
      })
      .strict(),
  ])
  .transform((r, ctx): GateRule => {
    if (typeof r === 'string') {
      const t = THRESHOLD.exec(r);
      if (t)
        return {
          kind: 'threshold',
          text: `${t[1]} ${t[2]} ${t[3]}`,
          metric: t[1]!,
          op: t[2] as Op,
          value: Number(t[3]),
        };
      const v = /^\s*(better_than|not_worse_than)\s*:\s*(.+)$/.exec(r);
      if (v) return versusRule(v[1] as 'better_than' | 'not_worse_than', v[2]!, {}, ctx);
      ctx.addIssue({
        code: 'custom',
        message: `expected a rule such as "accuracy >= 0.85" or "better_than: prod at 0.95", got ${JSON.stringify(r)}`,
      });
      return z.NEVER;
    }
    if ('op' in r)
      return { kind: 'threshold', text: `${r.metric} ${r.op} ${r.value}`, metric: r.metric, op: r.op, value: r.value };
    if ('better_than' in r) return versusRule('better_than', r.better_than, r, ctx);
    return versusRule('not_worse_than', r.not_worse_than, r, ctx);
  });

/** A paired comparison the eval run computed: candidate − baseline on one metric. */
export interface Comparison {
  candidate: string;
  baseline: string;
  metric: string;
  level: number;
  diff: number;
  low: number;
  high: number;
  n: number;
  /** McNemar's exact p-value, for pass/fail metrics. */
  pValue?: number;
  /** Discordant pairs behind the p-value. */
  discordant?: { baselineOnly: number; candidateOnly: number };
}

export interface GateInputs {
  candidate: string;
  /** The metric `better_than` uses when a rule names none. */
  primaryMetric: string;
  /** Every scored variant's metrics. */
  metrics: Record<string, Record<string, number>>;
  comparisons: readonly Comparison[];
  /** Baseline names and their fallbacks, first present wins: `{prod: ['production', 'base-zero-shot']}`. */
  aliases?: Record<string, string[]>;
}

export interface RuleOutcome {
  rule: string;
  passed: boolean;
  metric: string;
  reason: string;
  actual?: number;
  op?: string;
  threshold?: number;
  baseline?: string;
  comparison?: Comparison;
}

export interface GateRuleDecision {
  passed: boolean;
  candidate: string;
  reason: string;
  rules: RuleOutcome[];
}

/** Which variant a baseline name means here; undefined when neither it nor any fallback was scored. */
export function resolveBaseline(name: string, inputs: Pick<GateInputs, 'metrics' | 'aliases'>): string | undefined {
  if (name in inputs.metrics) return name;
  return inputs.aliases?.[name]?.find((v) => v in inputs.metrics);
}

/** The comparisons a rule set needs, so the eval run computes exactly those. */
export function requiredComparisons(
  rules: readonly GateRule[],
  inputs: Omit<GateInputs, 'comparisons'>,
): { baseline: string; metric: string; level: number }[] {
  const out: { baseline: string; metric: string; level: number }[] = [];
  for (const r of rules) {
    if (r.kind === 'threshold') continue;
    const baseline = resolveBaseline(r.baseline, inputs);
    if (!baseline || baseline === inputs.candidate) continue;
    const need = { baseline, metric: r.metric ?? inputs.primaryMetric, level: r.level };
    if (!out.some((o) => o.baseline === need.baseline && o.metric === need.metric && o.level === need.level))
      out.push(need);
  }
  return out;
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(3));

/** Evaluates every rule (no short-circuit, so the record shows all of them); passes when all pass. */
export function evaluateGateRules(rules: readonly GateRule[], inputs: GateInputs): GateRuleDecision {
  const mine = inputs.metrics[inputs.candidate];
  const outcomes = rules.map((r): RuleOutcome => {
    if (r.kind === 'threshold') {
      const actual = mine?.[r.metric];
      if (actual === undefined)
        return {
          rule: r.text,
          passed: false,
          metric: r.metric,
          reason: `${inputs.candidate} has no metric '${r.metric}' (has: ${Object.keys(mine ?? {}).join(', ')})`,
        };
      const passed = compare(actual, r.op, r.value);
      return {
        rule: r.text,
        passed,
        metric: r.metric,
        actual,
        op: r.op,
        threshold: r.value,
        reason: `${r.metric} ${fmt(actual)} ${passed ? 'meets' : 'fails'} ${r.op} ${r.value}`,
      };
    }
    const metric = r.metric ?? inputs.primaryMetric;
    const baseline = resolveBaseline(r.baseline, inputs);
    if (!baseline)
      return {
        rule: r.text,
        passed: false,
        metric,
        reason:
          `no variant '${r.baseline}' was scored` +
          `${inputs.aliases?.[r.baseline] ? ` (nor ${inputs.aliases[r.baseline]!.join(', ')})` : ''}`,
      };
    const via = baseline === r.baseline ? baseline : `${r.baseline} → ${baseline}`;
    if (baseline === inputs.candidate)
      return { rule: r.text, passed: false, metric, baseline, reason: `${via} is the candidate itself` };
    const c = inputs.comparisons.find(
      (x) => x.candidate === inputs.candidate && x.baseline === baseline && x.metric === metric && x.level === r.level,
    );
    if (!c)
      return {
        rule: r.text,
        passed: false,
        metric,
        baseline,
        reason: `no paired comparison of ${metric} against ${via} at ${r.level} was computed`,
      };
    const bound = r.kind === 'better_than' ? r.margin : -r.margin;
    const passed = c.low > bound;
    const interval =
      `${metric} difference ${fmt(c.diff)} [${fmt(c.low)}, ${fmt(c.high)}] at ${Math.round(r.level * 100)}% vs ` +
      `${via}${c.pValue !== undefined ? `, McNemar p=${c.pValue.toPrecision(3)}` : ''}`;
    const claim =
      r.kind === 'better_than'
        ? `better than ${via}${r.margin ? ` by more than ${r.margin}` : ''}`
        : `not worse than ${via} by ${r.margin}`;
    return {
      rule: r.text,
      passed,
      metric,
      baseline,
      comparison: c,
      reason: `${passed ? '' : 'not shown '}${claim}: ${interval}`,
    };
  });
  const failed = outcomes.filter((o) => !o.passed);
  return {
    passed: failed.length === 0,
    candidate: inputs.candidate,
    reason:
      failed.length === 0
        ? `all ${outcomes.length} gate rule(s) passed`
        : failed.map((f) => `${f.rule}: ${f.reason}`).join('; '),
    rules: outcomes,
  };
}

function compare(a: number, op: Op, b: number): boolean {
  switch (op) {
    case '>=':
      return a >= b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '<':
      return a < b;
    case '==':
      return a === b;
  }
}
