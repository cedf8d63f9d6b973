/**
 * Multinomial logistic regression over hashed n-gram features, trained by mini-batch AdaGrad.
 * It is the fine-tuned learner for label-like answers: a few hundred examples train in milliseconds,
 * and its cross-entropy is a real training loss that falls as it learns (reported per step).
 */
import { type SparseVector } from './features';

export interface LabelledVector {
  x: SparseVector;
  /** Index into labels, or -1 when the answer is not one of them (counts as a miss). */
  y: number;
}

export interface BatchMetrics {
  loss: number;
  accuracy: number;
}

/** Probability floor for answers the model cannot produce, so a loss stays finite. */
const MIN_PROB = 1e-6;

export class SoftmaxClassifier {
  readonly k: number;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  private readonly g2: Float32Array;
  private readonly g2Bias: Float32Array;

  constructor(
    readonly labels: string[],
    readonly dim: number,
    weights?: Float32Array,
    bias?: Float32Array,
  ) {
    this.k = labels.length;
    this.weights = weights ?? new Float32Array(dim * this.k);
    this.bias = bias ?? new Float32Array(this.k);
    // AdaGrad accumulators start at a small value so the first step is bounded.
    this.g2 = new Float32Array(dim * this.k).fill(0.1);
    this.g2Bias = new Float32Array(this.k).fill(0.1);
  }

  logits(x: SparseVector): Float64Array {
    const k = this.k;
    const out = new Float64Array(k);
    for (let c = 0; c < k; c++) out[c] = this.bias[c]!;
    for (let i = 0; i < x.idx.length; i++) {
      const base = x.idx[i]! * k;
      const v = x.val[i]!;
      for (let c = 0; c < k; c++) out[c]! += this.weights[base + c]! * v;
    }
    return out;
  }

  probs(x: SparseVector): Float64Array {
    return softmax(this.logits(x));
  }

  /** Mean cross-entropy and accuracy on a batch, without learning from it. */
  evaluate(batch: readonly LabelledVector[]): BatchMetrics {
    let loss = 0;
    let hits = 0;
    for (const ex of batch) {
      const p = this.probs(ex.x);
      loss += -Math.log(ex.y >= 0 ? Math.max(p[ex.y]!, MIN_PROB) : MIN_PROB);
      if (ex.y >= 0 && argmax(p) === ex.y) hits++;
    }
    return { loss: loss / Math.max(1, batch.length), accuracy: hits / Math.max(1, batch.length) };
  }

  /**
   * One optimisation step on a batch. The returned metrics are measured before the update, the way
   * a training loop reports the loss of the batch it is about to learn from.
   */
  step(batch: readonly LabelledVector[], learningRate: number): BatchMetrics {
    const k = this.k;
    const grad = new Map<number, Float64Array>();
    const gradBias = new Float64Array(k);
    let loss = 0;
    let hits = 0;
    for (const ex of batch) {
      const p = this.probs(ex.x);
      loss += -Math.log(ex.y >= 0 ? Math.max(p[ex.y]!, MIN_PROB) : MIN_PROB);
      if (ex.y >= 0 && argmax(p) === ex.y) hits++;
      if (ex.y >= 0) p[ex.y]! -= 1;
      for (let c = 0; c < k; c++) gradBias[c]! += p[c]!;
      for (let i = 0; i < ex.x.idx.length; i++) {
        const f = ex.x.idx[i]!;
        const v = ex.x.val[i]!;
        let row = grad.get(f);
        if (!row) grad.set(f, (row = new Float64Array(k)));
        for (let c = 0; c < k; c++) row[c]! += p[c]! * v;
      }
    }
    const n = Math.max(1, batch.length);
    for (const [f, row] of grad) {
      const base = f * k;
      for (let c = 0; c < k; c++) {
        const g = row[c]! / n;
        if (g === 0) continue;
        this.g2[base + c]! += g * g;
        this.weights[base + c]! -= (learningRate * g) / Math.sqrt(this.g2[base + c]!);
      }
    }
    for (let c = 0; c < k; c++) {
      const g = gradBias[c]! / n;
      this.g2Bias[c]! += g * g;
      this.bias[c]! -= (learningRate * g) / Math.sqrt(this.g2Bias[c]!);
    }
    return { loss: loss / n, accuracy: hits / n };
  }
}

export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i]! - max);
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
