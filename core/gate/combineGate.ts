import type { GateDecision } from './gateDecision';
import type { GateRuleDecision } from '../stats/gateRules';

/**
 * The pipeline's gate: the margin over production (decideGate) and, when the spec lists any, every statistical
 * rule must hold; the reason names what decided it.
 */
export function combineGate(
  margin: GateDecision,
  rules: GateRuleDecision | undefined,
  ruleCount: number,
): GateDecision {
  if (ruleCount === 0 || !rules) return margin;
  return {
    ...margin,
    passed: margin.passed && rules.passed,
    reason: rules.passed ? `${margin.reason}; ${rules.reason}` : rules.reason,
    rules,
  };
}
