import type { GateDecision } from '../gate/gateDecision';
import type { DistillResult } from './distillTypes';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * The gate of a `distill:` run: the pipeline's own decision, failed also when `minAgreement` is set and the student
 * agrees with the teacher on fewer held-out prompts than that.
 */
export function distillGate(
  gate: GateDecision,
  result: Omit<DistillResult, 'minAgreement'>,
  minAgreement: number | undefined,
): { gate: GateDecision; distill: DistillResult } {
  if (minAgreement === undefined) return { gate, distill: result };
  const agreement = result.comparison.agreement;
  const passed = agreement >= minAgreement;
  const distill = { ...result, minAgreement: { required: minAgreement, passed } };
  if (passed) return { gate, distill };
  const why = `the student agrees with the teacher on ${pct(agreement)} of held-out prompts < minAgreement ${pct(minAgreement)}`;
  return { gate: { ...gate, passed: false, reason: `${gate.reason}; ${why}` }, distill };
}
