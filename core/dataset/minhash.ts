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

/**
 * Remembers kept signatures and answers "is this a near-duplicate of one of them, and which?".
 *
 * Everything lives in flat typed arrays (about 800 bytes per kept example: the 512-byte signature, its 16 band
 * keys, chain links and the bucket table) instead of a Uint32Array object per signature and 16 Maps of arrays
 * (over 2 KB per example, most of it object headers). A bucket is a chain of entries (example, band), newest
 * first, reached from an open-addressing table of chain heads; candidates are still compared in the order they
 * were added, band by band, so answers are the same as a Map-of-lists index gives.
 */
export class NearDuplicateIndex {
  private count = 0;
  private sigs = new Uint32Array(NUM_HASHES * 1024);
  private ids = new Int32Array(1024);
  /** Per entry (example × BANDS + band): its band key, and the next older entry of the same bucket (-1: none). */
  private keys = new Uint32Array(BANDS * 1024);
  private next = new Int32Array(BANDS * 1024);
  /** Open addressing: the newest entry of each bucket, -1 for an empty slot. */
  private heads = new Int32Array(1 << 12).fill(-1);
  private buckets = 0;
  private readonly chain: number[] = [];

  constructor(private readonly threshold: number) {}

  /** The id of the most similar kept text at or above the threshold, else undefined. */
  findDuplicate(sig: Uint32Array): { id: number; similarity: number } | undefined {
    let best: { id: number; similarity: number } | undefined;
    const checked = new Set<number>();
    const chain = this.chain;
    for (let b = 0; b < BANDS; b++) {
      const slot = this.slotOf(bandKey(sig, b), b);
      chain.length = 0;
      for (let e = this.heads[slot]!; e !== -1; e = this.next[e]!) chain.push((e - b) / BANDS);
      for (let k = chain.length - 1; k >= 0; k--) {
        const idx = chain[k]!;
        if (checked.has(idx)) continue;
        checked.add(idx);
        const sim = this.similarity(sig, idx);
        if (sim >= this.threshold && (!best || sim > best.similarity)) best = { id: this.ids[idx]!, similarity: sim };
      }
    }
    return best;
  }

  add(sig: Uint32Array, id: number): void {
    const idx = this.count++;
    if (idx === this.ids.length) this.growExamples();
    this.sigs.set(sig, idx * NUM_HASHES);
    this.ids[idx] = id;
    for (let b = 0; b < BANDS; b++) {
      if ((this.buckets + 1) * 2 > this.heads.length) this.growHeads();
      const e = idx * BANDS + b;
      const key = bandKey(sig, b);
      this.keys[e] = key;
      const slot = this.slotOf(key, b);
      const head = this.heads[slot]!;
      if (head === -1) this.buckets++;
      this.next[e] = head;
      this.heads[slot] = e;
    }
  }

  private similarity(sig: Uint32Array, idx: number): number {
    const sigs = this.sigs;
    const o = idx * NUM_HASHES;
    let same = 0;
    for (let i = 0; i < NUM_HASHES; i++) if (sig[i] === sigs[o + i]) same++;
    return same / NUM_HASHES;
  }

  /** The slot holding bucket (band, key), or the empty slot where it would go. */
  private slotOf(key: number, band: number): number {
    const heads = this.heads;
    const mask = heads.length - 1;
    for (let i = (Math.imul(key ^ Math.imul(band + 1, 0x9e3779b1), 0x85ebca6b) >>> 7) & mask; ; i = (i + 1) & mask) {
      const e = heads[i]!;
      if (e === -1 || (e % BANDS === band && this.keys[e] === key)) return i;
    }
  }

  private growExamples(): void {
    const n = this.ids.length * 2;
    const grow = <T extends Uint32Array | Int32Array>(a: T, size: number, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.sigs = grow(this.sigs, n * NUM_HASHES, (k) => new Uint32Array(k));
    this.ids = grow(this.ids, n, (k) => new Int32Array(k));
    this.keys = grow(this.keys, n * BANDS, (k) => new Uint32Array(k));
    this.next = grow(this.next, n * BANDS, (k) => new Int32Array(k));
  }

  private growHeads(): void {
    const old = this.heads;
    this.heads = new Int32Array(old.length * 2).fill(-1);
    for (let i = 0; i < old.length; i++) {
      const e = old[i]!;
      if (e !== -1) this.heads[this.slotOf(this.keys[e]!, e % BANDS)] = e;
    }
  }
}

function bandKey(sig: Uint32Array, band: number): number {
  let h = 0x811c9dc5;
  for (let r = band * ROWS; r < (band + 1) * ROWS; r++) h = Math.imul(h ^ sig[r]!, 0x01000193);
  return h >>> 0;
}
