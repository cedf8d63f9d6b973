/**
 * Hashed n-gram features: the one text representation every local learner shares.
 *
 * Why hashing: the learners must train in seconds on CPU with no vocabulary pass and no growth in
 * memory as new words appear, so words, word bigrams and character n-grams are hashed into a fixed
 * number of buckets (the "hashing trick"). Why character n-grams too: they let "refunded" match
 * "refund" and tolerate typos, which matters when a label word must match a ticket written by a user.
 */

/** A sparse vector: parallel arrays of bucket indices (ascending, unique) and values. */
export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

export interface FeatureOptions {
  /** Number of hash buckets (a power of two). Default 2^18. */
  dim?: number;
  /** Character n-gram lengths taken inside each word (with boundary marks). Default [3, 4, 5]. */
  charNgrams?: number[];
  /** Include adjacent word pairs. Default true. */
  wordBigrams?: boolean;
  /** Weight of character n-grams relative to words. Default 0.5. */
  charWeight?: number;
}

export const DEFAULT_DIM = 1 << 18;

const WORD = /[\p{L}\p{N}]+/gu;

/** Lower-cased word tokens (letters and digits), the unit of every feature. */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** FNV-1a over UTF-16 code units, with a seed so different feature kinds never share hashes. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A final avalanche so nearby strings spread across the low bits used as bucket indices.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

const WORD_SEED = 0x811c9dc5;
const BIGRAM_SEED = 0x01234567;
const CHAR_SEED = 0x89abcdef;

/** Raw (un-normalised) feature counts of a text, keyed by bucket. */
export function featureCounts(text: string, opts: FeatureOptions = {}): Map<number, number> {
  const dim = opts.dim ?? DEFAULT_DIM;
  const mask = dim - 1;
  const grams = opts.charNgrams ?? [3, 4, 5];
  const charWeight = opts.charWeight ?? 0.5;
  const bigrams = opts.wordBigrams ?? true;
  const out = new Map<number, number>();
  const add = (k: number, v: number) => out.set(k, (out.get(k) ?? 0) + v);
  const ws = words(text);
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    add(hashString(w, WORD_SEED) & mask, 1);
    if (bigrams && i + 1 < ws.length) add(hashString(w + ' ' + ws[i + 1]!, BIGRAM_SEED) & mask, 1);
    if (charWeight > 0) {
      const padded = `<${w}>`;
      for (const n of grams) {
        if (padded.length < n) continue;
        // Spread the char weight over the word's n-grams so long words do not dominate short ones.
        const count = padded.length - n + 1;
        const v = charWeight / Math.sqrt(count);
        for (let j = 0; j + n <= padded.length; j++) add(hashString(padded.slice(j, j + n), CHAR_SEED + n) & mask, v);
      }
    }
  }
  return out;
}

/** Turns a count map into a sparse vector, optionally dampening counts (log) and L2-normalising. */
export function toSparse(counts: Map<number, number>, normalise = true): SparseVector {
  // A typed-array sort is numeric and several times faster than Array#sort with a comparator.
  const idx = Int32Array.from(counts.keys()).sort();
  const val = new Float32Array(idx.length);
  let norm = 0;
  for (let i = 0; i < idx.length; i++) {
    const v = Math.log1p(counts.get(idx[i]!)!);
    val[i] = v;
    norm += v * v;
  }
  if (normalise && norm > 0) {
    const s = 1 / Math.sqrt(norm);
    for (let i = 0; i < val.length; i++) val[i]! *= s;
  }
  return { idx, val };
}

/** L2-normalised hashed features of a text. */
export function featurize(text: string, opts: FeatureOptions = {}): SparseVector {
  return toSparse(featureCounts(text, opts));
}

/** Dot product of two sparse vectors (both sorted by index); the cosine when both are normalised. */
export function dot(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let s = 0;
  while (i < a.idx.length && j < b.idx.length) {
    const x = a.idx[i]!;
    const y = b.idx[j]!;
    if (x === y) {
      s += a.val[i]! * b.val[j]!;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return s;
}

/** Cosine similarity of two texts' features. */
export function textSimilarity(a: string, b: string, opts: FeatureOptions = {}): number {
  return dot(featurize(a, opts), featurize(b, opts));
}
