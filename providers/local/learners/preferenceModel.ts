/**
 * A preference-tuned (DPO) model: a reference model plus a learned linear correction Δ(x, y) over
 * hashed (input word × output word) features. DPO's optimal policy is π ∝ π_ref · exp(Δ), so a
 * candidate's logit is the reference logit plus Δ. Candidates are the reference model's replies
 * and the outputs of the nearest preference examples, so a preferred answer seen in training can be
 * chosen even when the reference model would never produce it.
 */
import { type LearnerMessage, type LearnerReply, lastUserText } from './chatTypes';
import { type SparseVector, dot, featureCounts, hashString, toSparse, words } from './features';
import { contentWords } from '../../../core/text/stopwords';

export interface PreferencePair {
  input: string;
  preferred: string;
  rejected: string;
}

export const PREFERENCE_DIM = 1 << 18;

export interface PreferenceModelData {
  kind: 'preference';
  /** Model whose replies are the reference policy (a base id or a fine-tuned model name). */
  reference: string;
  beta: number;
  /** Non-zero weights: indices (base64 Int32Array) and values (base64 Float32Array). */
  indices: string;
  values: string;
  examples: PreferencePair[];
}

/** Joint features of an input and a candidate output: word crosses plus the output's own n-grams. */
export function pairFeatures(input: string, output: string): SparseVector {
  const mask = PREFERENCE_DIM - 1;
  const counts = featureCounts(output, { dim: PREFERENCE_DIM, charWeight: 0.3 });
  const xs = [...new Set(words(contentWords(input)))].slice(0, 24);
  const ys = [...new Set(words(output))].slice(0, 24);
  for (const u of xs)
    for (const v of ys) {
      const k = hashString(`${u}\u0001${v}`, 0x3c6ef372) & mask;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  return toSparse(counts);
}

export function score(weights: Float32Array, x: SparseVector): number {
  let s = 0;
  for (let i = 0; i < x.idx.length; i++) s += weights[x.idx[i]!]! * x.val[i]!;
  return s;
}

export class PreferenceModel {
  private readonly inputs: SparseVector[];

  constructor(
    readonly reference: string,
    readonly beta: number,
    readonly weights: Float32Array,
    readonly examples: PreferencePair[],
  ) {
    this.inputs = examples.map((e) => featuresOfInput(e.input));
  }

  static fromData(d: PreferenceModelData): PreferenceModel {
    const weights = new Float32Array(PREFERENCE_DIM);
    const idx = new Int32Array(bytesOf(d.indices));
    const val = new Float32Array(bytesOf(d.values));
    idx.forEach((i, j) => (weights[i] = val[j]!));
    return new PreferenceModel(d.reference, d.beta, weights, d.examples);
  }

  toData(): PreferenceModelData {
    const idx: number[] = [];
    const val: number[] = [];
    this.weights.forEach((v, i) => {
      if (v !== 0) {
        idx.push(i);
        val.push(v);
      }
    });
    return {
      kind: 'preference',
      reference: this.reference,
      beta: this.beta,
      indices: Buffer.from(Int32Array.from(idx).buffer).toString('base64'),
      values: Buffer.from(Float32Array.from(val).buffer).toString('base64'),
      examples: this.examples,
    };
  }

  /** Re-ranks the reference reply's candidates, plus outputs of the nearest training examples. */
  reply(messages: readonly LearnerMessage[], referenceReply: LearnerReply): LearnerReply {
    const input = lastUserText(messages);
    const q = featuresOfInput(input);
    const pool = new Map<string, number>();
    for (const c of referenceReply.candidates) pool.set(c.text, c.logit);
    const near = this.examples
      .map((e, i) => ({ e, s: dot(q, this.inputs[i]!) }))
      .filter((n) => n.s > 0.2)
      .sort((a, b) => b.s - a.s)
      .slice(0, 5);
    for (const { e, s } of near) {
      for (const y of [e.preferred, e.rejected]) pool.set(y, Math.max(pool.get(y) ?? -Infinity, 20 * s));
    }
    const candidates = [...pool]
      .map(([text, ref]) => ({ text, logit: ref + score(this.weights, pairFeatures(input, text)) }))
      .sort((a, b) => b.logit - a.logit);
    return { candidates, strategy: 'preference' };
  }
}

function featuresOfInput(text: string): SparseVector {
  return toSparse(featureCounts(contentWords(text)));
}

function bytesOf(b64: string): ArrayBuffer {
  const b = Buffer.from(b64, 'base64');
  const out = new ArrayBuffer(b.byteLength);
  new Uint8Array(out).set(b);
  return out;
}
