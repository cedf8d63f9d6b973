/**
 * Near-duplicate detection with MinHash and LSH banding. A text becomes the set of its word 3-grams (lower-cased);
 * two texts' Jaccard similarity is estimated by the share of equal minimums over NUM_HASHES seeded hashes. Banding
 * (BANDS × ROWS) finds candidate pairs without comparing every pair: with 16 × 8 a pair at Jaccard 0.9 becomes a
 * candidate with probability > 99.9%, one at 0.5 with ~6%, and candidates are then confirmed on the full signature.
 */
import { NUM_HASHES } from './nearDuplicateIndex';

export { NUM_HASHES };
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

// The index lives beside this file (it spills fingerprints to files); exported here too, where it always was.
export { NearDuplicateIndex } from './nearDuplicateIndex';
