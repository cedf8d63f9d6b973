import type { VariantScore } from '../evalSuite/evaluationTypes';
import type { GateDecision } from './gateDecision';
import type { GateRuleDecision } from '../stats/gateRules';
import { combineGate } from './combineGate';
import { decideGate } from './decideGate';

/**
 * The gate for the fine-tuned model after the final evaluation: both must hold, the margin over production (the
 * base zero-shot variant before any; without one, the weakest scored variant stands in for "before this run") and
 * every statistical rule the spec lists.
 */
export function fineTunedGate(
  evaluation: { leaderboard: VariantScore[]; gate: GateRuleDecision },
  gate: { minImprovement: number; minScore: number; ruleCount: number },
): GateDecision {
  const { leaderboard } = evaluation;
  const find = (id: string): VariantScore | undefined => leaderboard.find((s) => s.variantId === id);
  const margin = decideGate({
    candidate: find('fine-tuned')!,
    production: find('production'),
    base: find('base-zero-shot') ?? leaderboard[leaderboard.length - 1]!,
    minImprovement: gate.minImprovement,
    minScore: gate.minScore,
  });
  return combineGate(margin, evaluation.gate, gate.ruleCount);
}
