/**
 * Classification metrics from (expected, predicted) label pairs: accuracy, macro-F1 and the confusion matrix.
 * Macro-F1 averages per-label F1 over every label that occurs as expected or predicted (scikit-learn's default
 * label set), so a label the model invents counts against it; a label with no support and no predictions is absent.
 */
export interface ConfusionMatrix {
  labels: string[];
  /** counts[expectedIndex][predictedIndex] */
  counts: number[][];
}

export interface ClassificationMetrics {
  n: number;
  accuracy: number;
  macroF1: number;
  perLabel: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  confusion: ConfusionMatrix;
}

export function classificationMetrics(
  pairs: readonly { expected: string; predicted: string }[],
  labelOrder: readonly string[] = [],
): ClassificationMetrics {
  const labels = [...labelOrder];
  for (const p of pairs) for (const l of [p.expected, p.predicted]) if (!labels.includes(l)) labels.push(l);
  const present = labels.filter((l) => pairs.some((p) => p.expected === l || p.predicted === l));
  const at = new Map(present.map((l, i) => [l, i]));
  const counts = present.map(() => present.map(() => 0));
  let correct = 0;
  for (const p of pairs) {
    counts[at.get(p.expected)!]![at.get(p.predicted)!]!++;
    if (p.expected === p.predicted) correct++;
  }
  const perLabel: ClassificationMetrics['perLabel'] = {};
  let f1Sum = 0;
  present.forEach((l, i) => {
    const tp = counts[i]![i]!;
    const predicted = counts.reduce((s, row) => s + row[i]!, 0);
    const support = counts[i]!.reduce((s, x) => s + x, 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perLabel[l] = { precision, recall, f1, support };
    f1Sum += f1;
  });
  return {
    n: pairs.length,
    accuracy: pairs.length ? correct / pairs.length : 0,
    macroF1: present.length ? f1Sum / present.length : 0,
    perLabel,
    confusion: { labels: present, counts },
  };
}

/** Macro-F1 of a resample (for the bootstrap): pairs picked by index. */
export function macroF1Of(
  pairs: readonly { expected: string; predicted: string }[],
  indices: ArrayLike<number>,
): number {
  const picked: { expected: string; predicted: string }[] = [];
  for (let i = 0; i < indices.length; i++) picked.push(pairs[indices[i]!]!);
  return classificationMetrics(picked).macroF1;
}
