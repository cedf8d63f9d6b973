import type { GateRuleDecision } from '../stats/gateRules';

/** What the gate decided about a candidate against its baseline, and why. */
export interface GateDecision {
  passed: boolean;
  candidate: { variantId: string; model: string; score: number };
  baseline: { variantId: string; model: string; score: number; kind: 'production' | 'base' };
  minImprovement: number;
  minScore: number;
  reason: string;
  /** The spec's gate rules, each with its inputs and numbers (intervals, p-values), when it has any. */
  rules?: GateRuleDecision;
}
