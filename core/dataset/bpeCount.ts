/**
 * Token count of one pre-tokenized piece by byte-pair merging in O(n log n): the same merges as tiktoken's
 * algorithm (repeatedly merge the adjacent pair with the lowest rank, leftmost first), found with a heap instead
 * of a scan over every pair per merge. The scan is quadratic, and one piece can be a whole unspaced line (`y` a
 * million times, 40,000 CJK characters): the pre-tokenizer only splits at spaces, case and script changes.
 *
 * `n` is the piece's length in units (characters for ASCII, UTF-8 bytes otherwise); `rankOf(start, end)` is the
 * rank of units [start, end) as one token, or undefined when they are not one.
 *
 * Why the result equals the scan's: every adjacent pair of current parts has a heap entry keyed (rank, start);
 * entries of pairs that no longer exist are skipped when popped (their left part was merged away or its pair
 * rank changed). So each accepted pop is the current pair with the lowest rank, and among equal ranks the one
 * with the smallest start, i.e. the leftmost: exactly the pair the scan picks.
 */
export function bpeCount(n: number, rankOf: (start: number, end: number) => number | undefined): number {
  if (n <= 1) return n;
  // Parts are named by their start; next[s] is where part s ends (n for the last part).
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const dead = new Uint8Array(n);
  // Rank of merging part s with the part after it; -1 when there is no such token (or no part after it).
  const pairRank = new Float64Array(n);
  const heap = new MinHeap(n);
  // A key orders by rank, then by start: rank * (n + 1) + start stays exact in a double for any rank < 2^53 / n.
  const span = n + 1;
  // Every part is a token, so the merged rank of two parts depends only on their two ranks: remembered per pair
  // of ranks, most lookups skip building the merged bytes (long unspaced pieces repeat the same few pairs).
  const tok = new Int32Array(n);
  const merged = new PairTable();
  const mergedRank = (s: number, mid: number, end: number): number => {
    const a = tok[s]!;
    const b = tok[mid]!;
    let r = merged.get(a, b);
    if (r === PairTable.MISSING) {
      r = rankOf(s, end) ?? -1;
      merged.set(a, b, r);
    }
    return r;
  };
  for (let s = 0; s < n; s++) {
    next[s] = s + 1;
    prev[s] = s - 1;
    const unit = rankOf(s, s + 1);
    // A unit with no rank of its own cannot happen with byte-level encodings; count it as its own token then.
    tok[s] = unit ?? -1 - s;
  }
  const setPair = (s: number) => {
    const mid = next[s]!;
    const r = mid < n && tok[s]! >= 0 && tok[mid]! >= 0 ? mergedRank(s, mid, next[mid]!) : -1;
    pairRank[s] = r;
    if (r >= 0) heap.push(r * span + s);
  };
  for (let s = 0; s < n - 1; s++) setPair(s);
  pairRank[n - 1] = -1;
  let parts = n;
  while (heap.size > 0) {
    const key = heap.pop();
    const s = key % span;
    const r = (key - s) / span;
    if (dead[s] || pairRank[s] !== r) continue; // stale: this pair no longer exists
    const t = next[s]!;
    const u = next[t]!;
    dead[t] = 1;
    tok[s] = r;
    next[s] = u;
    if (u < n) prev[u] = s;
    parts--;
    setPair(s);
    if (s > 0) setPair(prev[s]!);
  }
  return parts;
}

/** An open-addressing map from a pair of non-negative ints to an int, in typed arrays (no boxed keys). */
class PairTable {
  static readonly MISSING = -2;
  private keys = new Int32Array(2 * 1024).fill(-1);
  private vals = new Int32Array(1024);
  private used = 0;

  get(a: number, b: number): number {
    const mask = this.vals.length - 1;
    for (let i = PairTable.hash(a, b) & mask; ; i = (i + 1) & mask) {
      const k = this.keys[2 * i]!;
      if (k === -1) return PairTable.MISSING;
      if (k === a && this.keys[2 * i + 1] === b) return this.vals[i]!;
    }
  }

  set(a: number, b: number, v: number): void {
    if (2 * (this.used + 1) > this.vals.length) this.grow();
    const mask = this.vals.length - 1;
    let i = PairTable.hash(a, b) & mask;
    while (this.keys[2 * i] !== -1) i = (i + 1) & mask;
    this.keys[2 * i] = a;
    this.keys[2 * i + 1] = b;
    this.vals[i] = v;
    this.used++;
  }

  private grow(): void {
    const { keys, vals } = this;
    this.keys = new Int32Array(keys.length * 2).fill(-1);
    this.vals = new Int32Array(vals.length * 2);
    this.used = 0;
    for (let i = 0; i < vals.length; i++) if (keys[2 * i] !== -1) this.set(keys[2 * i]!, keys[2 * i + 1]!, vals[i]!);
  }

  private static hash(a: number, b: number): number {
    const h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
    return h ^ (h >>> 15);
  }
}

/** A binary min-heap of doubles that grows as needed. */
class MinHeap {
  private a: Float64Array;
  size = 0;

  constructor(capacity: number) {
    this.a = new Float64Array(Math.max(16, capacity));
  }

  push(x: number): void {
    if (this.size === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    const a = this.a;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= x) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }

  pop(): number {
    const a = this.a;
    const top = a[0]!;
    const last = a[--this.size]!;
    const n = this.size;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && a[r]! < a[l]! ? r : l;
      if (a[c]! >= last) break;
      a[i] = a[c]!;
      i = c;
    }
    if (n > 0) a[i] = last;
    return top;
  }
}
