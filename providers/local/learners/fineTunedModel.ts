/**
 * A trained local model: either a softmax classifier over the distinct answers (label-like data) or
 * a nearest-neighbour responder (free-text data). This file owns how such a model answers a chat and
 * how it is serialised to plain JSON for the backend's data dir.
 */
import { type LearnerMessage, type LearnerReply, lastUserText } from './chatTypes';
import { featurize } from './features';
import { SoftmaxClassifier } from './softmaxClassifier';
import { NeighbourMemory } from './neighbourMemory';
import { contentWords } from '../../../core/text/stopwords';
import type { TrainingPair } from './trainingPairs';

export type FineTunedModelData =
  | {
      kind: 'classifier';
      labels: string[];
      dim: number;
      /** Feature rows with any non-zero weight (base64 Int32Array) and their k weights each (base64 Float32Array). */
      rows: string;
      weights: string;
      bias: number[];
    }
  | { kind: 'neighbour'; examples: TrainingPair[] };

/** A classifier is used when answers repeat: at most this many distinct ones... */
export const MAX_CLASSES = 64;

/** Picks the learner for a data set: classes when answers repeat (labels), neighbours otherwise. */
export function chooseKind(pairs: readonly TrainingPair[]): 'classifier' | 'neighbour' {
  const distinct = new Set(pairs.map((p) => p.output)).size;
  return distinct <= MAX_CLASSES && distinct * 2 <= pairs.length ? 'classifier' : 'neighbour';
}

/** Hash buckets for a classifier with k classes, keeping its weights near 4M floats (16 MB). */
export function classifierDim(k: number): number {
  let dim = 1 << 18;
  while (dim > 1 << 12 && dim * k > 4_000_000) dim >>= 1;
  return dim;
}

/** Classifier input: the raw message (learned weights discount glue words themselves). */
export function classifierFeatures(text: string, dim: number) {
  return featurize(text, { dim });
}

/** Neighbour input: content words only, since nothing is learned that would discount glue words. */
export function neighbourFeatures(text: string) {
  return featurize(contentWords(text));
}

export class FineTunedModel {
  private constructor(
    private readonly classifier: SoftmaxClassifier | null,
    private readonly memory: NeighbourMemory | null,
  ) {}

  static fromClassifier(c: SoftmaxClassifier): FineTunedModel {
    return new FineTunedModel(c, null);
  }

  static fromMemory(m: NeighbourMemory): FineTunedModel {
    return new FineTunedModel(null, m);
  }

  static fromData(data: FineTunedModelData): FineTunedModel {
    if (data.kind === 'neighbour') {
      const memory = new NeighbourMemory();
      for (const ex of data.examples)
        memory.add(
          { x: neighbourFeatures(ex.input), output: ex.output, input: ex.input },
          `${ex.input}\u0000${ex.output}`,
        );
      return FineTunedModel.fromMemory(memory);
    }
    const k = data.labels.length;
    const rows = new Int32Array(copyBytes(Buffer.from(data.rows, 'base64')));
    const vals = new Float32Array(copyBytes(Buffer.from(data.weights, 'base64')));
    const weights = new Float32Array(data.dim * k);
    rows.forEach((r, i) => weights.set(vals.subarray(i * k, (i + 1) * k), r * k));
    return FineTunedModel.fromClassifier(
      new SoftmaxClassifier(data.labels, data.dim, weights, Float32Array.from(data.bias)),
    );
  }

  /** The classifier's raw weights (for warm-starting continued training), or null for a memory. */
  classifierWeights(): { weights: Float32Array; bias: Float32Array } | null {
    return this.classifier ? { weights: this.classifier.weights, bias: this.classifier.bias } : null;
  }

  toData(): FineTunedModelData {
    if (this.memory) {
      return {
        kind: 'neighbour',
        examples: this.memory.items.map((it) => ({ input: it.input ?? '', output: it.output })),
      };
    }
    const c = this.classifier!;
    const rows: number[] = [];
    const vals: number[] = [];
    const w = c.weights;
    for (let f = 0; f < c.dim; f++) {
      const base = f * c.k;
      let nonZero = false;
      for (let j = 0; j < c.k && !nonZero; j++) nonZero = w[base + j] !== 0;
      if (!nonZero) continue;
      rows.push(f);
      for (let j = 0; j < c.k; j++) vals.push(w[base + j]!);
    }
    return {
      kind: 'classifier',
      labels: c.labels,
      dim: c.dim,
      rows: Buffer.from(Int32Array.from(rows).buffer).toString('base64'),
      weights: Buffer.from(Float32Array.from(vals).buffer).toString('base64'),
      bias: [...c.bias],
    };
  }

  reply(messages: readonly LearnerMessage[]): LearnerReply {
    const text = lastUserText(messages);
    if (this.classifier) {
      const c = this.classifier;
      const logits = c.logits(classifierFeatures(text, c.dim));
      const candidates = c.labels
        .map((label, i) => ({ text: label, logit: logits[i]! }))
        .sort((a, b) => b.logit - a.logit);
      return { candidates, strategy: 'fine-tuned-classifier' };
    }
    const scores = this.memory!.answerScores(neighbourFeatures(text));
    const candidates = [...scores]
      .map(([t, s]) => ({ text: t, logit: 20 * s }))
      .sort((a, b) => b.logit - a.logit)
      .slice(0, 16);
    return {
      candidates: candidates.length ? candidates : [{ text: text, logit: 0 }],
      strategy: 'fine-tuned-neighbour',
    };
  }
}

/** A Buffer's bytes in their own ArrayBuffer (Buffers share a pool, so their .buffer is not theirs alone). */
function copyBytes(b: Buffer): ArrayBuffer {
  const out = new ArrayBuffer(b.byteLength);
  new Uint8Array(out).set(b);
  return out;
}
