import type { CaseResult } from '../evalSuite/caseResult';

/** One model's aggregate over its graded exchanges (before it is recorded). */
export interface ModelAggregate {
  model: string;
  n: number;
  errored: number;
  score: number | null;
  passRate: number | null;
}

/**
 * The mean case score of one model's exchanges. An exchange whose grading errored (a judge that failed for that
 * case) is counted but left out of the mean, so a flaky judge does not read as a bad model.
 */
export function aggregateModel(model: string, results: readonly CaseResult[]): ModelAggregate {
  const graded = results.filter((r) => r.status !== 'error');
  const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
  return {
    model,
    n: results.length,
    errored: results.length - graded.length,
    score: mean(graded.map((r) => r.score)),
    passRate: mean(graded.map((r) => (r.status === 'pass' ? 1 : 0))),
  };
}

/** Under the threshold: a model with a score (at least one exchange graded) strictly below it. */
export function isBelow(score: number | null, threshold: number): boolean {
  return score !== null && score < threshold;
}
