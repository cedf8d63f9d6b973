import type { VariantScore } from '../evalSuite/evaluationTypes';
import type { GateDecision } from './gateDecision';
import type { GateRuleDecision } from '../stats/gateRules';
import { combineGate } from './combineGate';
import { decideGate } from './decideGate';

export interface CheaperVerdict {
  variantId: string;
  label: string;
  /** What one case cost: USD when the suite is priced, else prompt + completion tokens (all on the base model). */
  costPerCase: number;
  costUnit: 'usd' | 'tokens';
  gate: GateDecision;
}

export interface CheapestPassing {
  verdicts: CheaperVerdict[];
  /** The cheapest variant whose gate passed; undefined means fine-tuning is needed. */
  chosen?: CheaperVerdict;
}

/**
 * `fineTune.when: needed`: judge every cheaper variant (zero-shot, prompt templates, few-shot) by the same gate the
 * fine-tuned model would face — the margin over production (or the base model) and the spec's rules — and keep the
 * cheapest that passes. Cost is measured per case on the same cases; ties keep the journey's order.
 */
export function cheapestPassing(input: {
  leaderboard: readonly VariantScore[];
  candidates: readonly string[];
  gates?: Record<string, GateRuleDecision>;
  productionId?: string;
  baseId: string;
  minImprovement: number;
  minScore: number;
  ruleCount: number;
}): CheapestPassing {
  const find = (id: string | undefined) =>
    id === undefined ? undefined : input.leaderboard.find((s) => s.variantId === id);
  const base = find(input.baseId) ?? input.leaderboard[input.leaderboard.length - 1];
  if (!base) return { verdicts: [] };
  const production = find(input.productionId);
  const priced = input.candidates.every((id) => find(id)?.metrics?.cost_per_case_usd !== undefined);
  const verdicts: CheaperVerdict[] = [];
  for (const id of input.candidates) {
    const score = find(id);
    if (!score) continue;
    const margin = decideGate({
      candidate: score,
      production,
      base,
      minImprovement: input.minImprovement,
      minScore: input.minScore,
    });
    const costPerCase = priced
      ? score.metrics!.cost_per_case_usd!
      : score.n
        ? (score.promptTokens + score.completionTokens) / score.n
        : 0;
    verdicts.push({
      variantId: id,
      label: score.label,
      costPerCase,
      costUnit: priced ? 'usd' : 'tokens',
      gate: combineGate(margin, input.gates?.[id], input.ruleCount),
    });
  }
  const passing = verdicts
    .map((v, order) => ({ v, order }))
    .filter(({ v }) => v.gate.passed)
    .sort((a, b) => a.v.costPerCase - b.v.costPerCase || a.order - b.order);
  return { verdicts, ...(passing[0] ? { chosen: passing[0].v } : {}) };
}
