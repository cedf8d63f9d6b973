import type { FewShotExample } from './fewShotExample';

/**
 * The same examples for every case, by pool position. A listed position that the evaluation-split guard removed
 * (or that is past the end) is an error, not a silent substitution: a fixed prompt must be the prompt you wrote.
 */
export function rankFixed(pool: readonly FewShotExample[], positions: readonly number[]): FewShotExample[] {
  const byIndex = new Map(pool.map((e) => [e.index, e]));
  return positions.map((p) => {
    const e = byIndex.get(p);
    if (!e)
      throw new RangeError(
        `fixed few-shot example ${p} is not in the pool (past its end, unusable, or an evaluation case)`,
      );
    return e;
  });
}
