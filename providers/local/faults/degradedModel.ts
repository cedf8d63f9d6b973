import type { LocalModelData } from '../inference/modelRegistry';

/**
 * The `train.degrade_final` fault: a model that answers every question with another question's answer (labels
 * rotated by one, or each remembered example given the next one's reply). Deterministic, so a test can rely on the
 * final epoch scoring below the ones before it. Preference models are returned unchanged.
 */
export function degradedModelData(data: LocalModelData): LocalModelData {
  const rotate = <T>(xs: readonly T[]): T[] => (xs.length < 2 ? [...xs] : [...xs.slice(1), xs[0]!]);
  if (data.kind === 'classifier') return { ...data, labels: rotate(data.labels) };
  if (data.kind === 'neighbour') {
    const outputs = rotate(data.examples.map((e) => e.output));
    return { ...data, examples: data.examples.map((e, i) => ({ ...e, output: outputs[i]! })) };
  }
  return data;
}
