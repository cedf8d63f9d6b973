/** Digits of 16 bits: two passes per 32-bit word, each counting into 65,536 buckets. */
const DIGIT_BITS = 16;
const BUCKETS = 1 << DIGIT_BITS;
const DIGIT_MASK = BUCKETS - 1;

/** Item keys for sortSplitOrder: a 64-bit hash as two 32-bit halves, and each item's stratum rank. */
export interface SplitOrderKeys {
  /** Number of items; the arrays may be longer (only the first `length` entries are read). */
  length: number;
  hi: Uint32Array;
  lo: Uint32Array;
  /** Rank of each item's stratum (items of rank 0 come first); undefined when every item is in one stratum. */
  rank?: Uint8Array | Uint16Array | Uint32Array;
}

/**
 * The positions 0..length-1 ordered by (stratum rank, hash, position), as one Uint32Array: a stable LSD radix
 * sort over 16-bit digits, least significant first, starting from position order. Memory is two index arrays
 * (8 bytes an item) and time is linear, where objects sorted with string comparisons cost far more of both.
 * A pass whose digit is the same for every item is skipped.
 */
export function sortSplitOrder(keys: SplitOrderKeys): Uint32Array {
  const n = keys.length;
  let src = new Uint32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  let dst = new Uint32Array(n);
  const count = new Uint32Array(BUCKETS);
  const passes: [Uint8Array | Uint16Array | Uint32Array, number][] = [
    [keys.lo, 0],
    [keys.lo, DIGIT_BITS],
    [keys.hi, 0],
    [keys.hi, DIGIT_BITS],
  ];
  if (keys.rank) passes.push([keys.rank, 0], [keys.rank, DIGIT_BITS]);
  for (const [key, shift] of passes) {
    if (countingPass(src, dst, n, key, shift, count)) [src, dst] = [dst, src];
  }
  return src;
}

/** One stable counting-sort pass of `src` into `dst` by one digit; false (dst untouched) when all digits agree. */
function countingPass(
  src: Uint32Array,
  dst: Uint32Array,
  n: number,
  key: Uint8Array | Uint16Array | Uint32Array,
  shift: number,
  count: Uint32Array,
): boolean {
  if (n === 0) return false;
  count.fill(0);
  for (let i = 0; i < n; i++) count[(key[i]! >>> shift) & DIGIT_MASK]!++;
  if (count[(key[0]! >>> shift) & DIGIT_MASK] === n) return false;
  let sum = 0;
  for (let d = 0; d < BUCKETS; d++) {
    const c = count[d]!;
    count[d] = sum;
    sum += c;
  }
  for (let k = 0; k < n; k++) {
    const i = src[k]!;
    dst[count[(key[i]! >>> shift) & DIGIT_MASK]!++] = i;
  }
  return true;
}
