import type { VariantScore } from '../evalSuite/evaluationTypes';
import type { GateDecision } from './gateDecision';

/**
 * The promotion gate: the candidate must reach `minScore` and beat the current production model by
 * `minImprovement` on the same held-out split (the base model stands in before any production model exists).
 */
export function decideGate(input: {
  candidate: VariantScore;
  production?: VariantScore;
  base: VariantScore;
  minImprovement: number;
  minScore: number;
}): GateDecision {
  const baselineScore = input.production ?? input.base;
  const kind = input.production ? 'production' : 'base';
  const need = baselineScore.score + input.minImprovement;
  const c = input.candidate;
  const fmt = (x: number) => x.toFixed(3);
  let passed = true;
  let reason = `${c.label} scored ${fmt(c.score)} ≥ ${kind} ${fmt(baselineScore.score)} + ${fmt(input.minImprovement)}`;
  if (c.score < input.minScore) {
    passed = false;
    reason = `${c.label} scored ${fmt(c.score)} < minimum ${fmt(input.minScore)}`;
  } else if (c.score < need) {
    passed = false;
    reason = `${c.label} scored ${fmt(c.score)} < ${kind} ${fmt(baselineScore.score)} + ${fmt(input.minImprovement)}`;
  }
  return {
    passed,
    candidate: { variantId: c.variantId, model: c.model, score: c.score },
    baseline: { variantId: baselineScore.variantId, model: baselineScore.model, score: baselineScore.score, kind },
    minImprovement: input.minImprovement,
    minScore: input.minScore,
    reason,
  };
}
