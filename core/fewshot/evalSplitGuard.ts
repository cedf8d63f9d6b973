import type { FewShotExample } from './fewShotExample';

/**
 * Few-shot examples must never come from the evaluation split: a model shown the answer to a test case in its
 * prompt scores what it was told, not what it learned. The guard works on content hashes, so it also catches a
 * test case that reappears in the pool file (a duplicate row, another split of the same data).
 */
export class FewShotLeakError extends Error {
  override name = 'FewShotLeakError';
  constructor(readonly hashes: string[]) {
    super(
      `few-shot selection picked ${hashes.length} example(s) whose input is an evaluation case (` +
        `${hashes.map((h) => h.slice(0, 12)).join(', ')})`,
    );
  }
}

/** Removes every pool example whose input hash is an evaluation case's; the count goes into the run's report. */
export function excludeEvalCases(
  pool: readonly FewShotExample[],
  evalHashes: ReadonlySet<string>,
): { pool: FewShotExample[]; excluded: number } {
  const kept = pool.filter((e) => !evalHashes.has(e.hash));
  return { pool: kept, excluded: pool.length - kept.length };
}

/** The last check before examples reach a prompt: throws if any selected example is an evaluation case. */
export function assertNoEvalCases(selected: readonly FewShotExample[], evalHashes: ReadonlySet<string>): void {
  const leaked = selected.filter((e) => evalHashes.has(e.hash)).map((e) => e.hash);
  if (leaked.length > 0) throw new FewShotLeakError(leaked);
}
