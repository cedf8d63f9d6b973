/**
 * Near-duplicate detection with MinHash and LSH banding. A text becomes the set of its word 3-grams (lower-cased);
 * two texts' Jaccard similarity is estimated by the share of equal minimums over NUM_HASHES seeded hashes. Banding
 * (BANDS × ROWS) finds candidate pairs without comparing every pair: with 16 × 8 a pair at Jaccard 0.9 becomes a
 * candidate with probability > 99.9%, one at 0.5 with ~6%, and candidates are then confirmed on the full signature.
 */
export const NUM_HASHES = 128;
const BANDS = 16;
const ROWS = NUM_HASHES / BANDS;
const SHINGLE_WORDS = 3;

const SEEDS = (() => {
  const s = new Uint32Array(NUM_HASHES);
  let x = 0x9e3779b9;
  for (let i = 0; i < NUM_HASHES; i++) {
    x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x297a2d39;
    s[i] = x >>> 0;
  }
  return s;
})();

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A 32-bit avalanche mix (murmur3 finaliser) of a value xor a seed: one "permutation" per seed. */
function mix(x: number, seed: number): number {
  let h = (x ^ seed) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function shingles(text: string): Set<number> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const out = new Set<number>();
  if (words.length < SHINGLE_WORDS) {
    if (words.length > 0) out.add(fnv1a(words.join(' ')));
    return out;
  }
  for (let i = 0; i + SHINGLE_WORDS <= words.length; i++) out.add(fnv1a(words.slice(i, i + SHINGLE_WORDS).join(' ')));
  return out;
}

export function minhashSignature(text: string): Uint32Array {
  const sig = new Uint32Array(NUM_HASHES).fill(0xffffffff);
  for (const sh of shingles(text)) {
    for (let i = 0; i < NUM_HASHES; i++) {
      const v = mix(sh, SEEDS[i]!);
      if (v < sig[i]!) sig[i] = v;
    }
  }
  return sig;
}

export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < NUM_HASHES; i++) if (a[i] === b[i]) same++;
  return same / NUM_HASHES;
}

/** Remembers kept signatures and answers "is this a near-duplicate of one of them, and which?". */
export class NearDuplicateIndex {
  private readonly signatures: Uint32Array[] = [];
  private readonly ids: number[] = [];
  private readonly buckets: Map<number, number[]>[] = Array.from({ length: BANDS }, () => new Map());

  constructor(private readonly threshold: number) {}

  /** The id of the most similar kept text at or above the threshold, else undefined. */
  findDuplicate(sig: Uint32Array): { id: number; similarity: number } | undefined {
    let best: { id: number; similarity: number } | undefined;
    const checked = new Set<number>();
    for (let b = 0; b < BANDS; b++) {
      const list = this.buckets[b]!.get(bandKey(sig, b));
      if (!list) continue;
      for (const idx of list) {
        if (checked.has(idx)) continue;
        checked.add(idx);
        const sim = estimatedJaccard(sig, this.signatures[idx]!);
        if (sim >= this.threshold && (!best || sim > best.similarity)) best = { id: this.ids[idx]!, similarity: sim };
      }
    }
    return best;
  }

  add(sig: Uint32Array, id: number): void {
    const idx = this.signatures.length;
    this.signatures.push(sig);
    this.ids.push(id);
    for (let b = 0; b < BANDS; b++) {
      const key = bandKey(sig, b);
      const m = this.buckets[b]!;
      const list = m.get(key);
      if (list) list.push(idx);
      else m.set(key, [idx]);
    }
  }
}

function bandKey(sig: Uint32Array, band: number): number {
  let h = 0x811c9dc5;
  for (let r = band * ROWS; r < (band + 1) * ROWS; r++) h = Math.imul(h ^ sig[r]!, 0x01000193);
  return h >>> 0;
}
