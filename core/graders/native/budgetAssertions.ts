import type { AssertionOf } from '../assertionSpec';
import { failedGrade, type GradeResult } from '../gradeTypes';

/** `latency`: the model under test answered within `maxMs` (wall time of the request, measured by the worker). */
export function gradeLatency(a: AssertionOf<'latency'>, name: string, latencyMs: number | undefined): GradeResult {
  if (latencyMs === undefined)
    return failedGrade(name, a.type, 'other_error', 'no latency recorded (a precomputed sample)');
  const hit = latencyMs <= a.maxMs;
  return {
    name,
    type: a.type,
    score: hit ? 1 : 0,
    passed: hit,
    errored: false,
    detail: `${Math.round(latencyMs)} ms vs max ${a.maxMs} ms`,
  };
}

/** `cost`: the case's completion cost at list prices is at most `maxUsd`. */
export function gradeCost(a: AssertionOf<'cost'>, name: string, costUsd: number | undefined): GradeResult {
  if (costUsd === undefined) return failedGrade(name, a.type, 'other_error', 'no price known for this model');
  const hit = costUsd <= a.maxUsd;
  return {
    name,
    type: a.type,
    score: hit ? 1 : 0,
    passed: hit,
    errored: false,
    detail: `$${costUsd.toFixed(6)} vs max $${a.maxUsd}`,
  };
}
