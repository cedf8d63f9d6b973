import { parseCaseFile, type SuiteCase } from './evalCase';

/**
 * How many suite cases a model saw in training: a case counts when its input text (the `inputHash` the few-shot
 * guard compares) is the input of a row of the model's training split. Rows that are not cases (other formats) are
 * skipped rather than refused: the split is evidence here, not input to grade.
 */
export function trainingOverlap(cases: readonly Pick<SuiteCase, 'inputHash'>[], trainSplitText: string): number {
  const seen = new Set<string>();
  for (const line of trainSplitText.split('\n')) {
    if (!line.trim()) continue;
    try {
      for (const c of parseCaseFile(line, 'train split')) seen.add(c.inputHash);
    } catch {
      // not a chat/vars/item row: nothing to compare
    }
  }
  return cases.filter((c) => seen.has(c.inputHash)).length;
}

/** The warning `tailor eval` prints for one model, or undefined when no case overlaps. */
export function trainingOverlapWarning(o: {
  model: string;
  overlap: number;
  cases: number;
  trainSha256: string;
  runId: string;
}): string | undefined {
  if (o.overlap === 0) return undefined;
  return (
    `warning: ${o.overlap} of ${o.cases} cases are in the training data of ${o.model} (train split ` +
    `sha256:${o.trainSha256.slice(0, 12)}…, run ${o.runId}); its scores on them overstate how it does on new data. ` +
    `Score held-out cases (the run's test split) instead.`
  );
}
