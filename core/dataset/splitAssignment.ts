import { sortSplitOrder } from './splitOrder';

export type SplitName = 'train' | 'validation' | 'test';

export interface SplitItem {
  /** Hex content hash (seeded); equal contents have equal hashes. */
  hash: string;
  /** Label for stratification, or '' when not stratifying. */
  stratum: string;
}

/** Split codes of assignSplitCodes: index into this list. */
export const SPLIT_CODES: readonly SplitName[] = ['train', 'validation', 'test'];
const VALIDATION = 1;
const TEST = 2;

/** Items as columns (typed arrays), so a million of them cost a few bytes each rather than an object each. */
export interface SplitColumns {
  /** Number of items; the arrays may be longer (only the first `length` entries are read). */
  length: number;
  /** The 64-bit content hash (seeded) of each item as two 32-bit halves: items are ordered by hi, then lo. */
  hi: Uint32Array;
  lo: Uint32Array;
  /** Each item's stratum as an index into `strata`; undefined when not stratifying (one stratum). */
  stratum?: Uint8Array | Uint16Array | Uint32Array;
  /** Stratum names, distinct; strata are taken in the order of their sorted names. */
  strata?: readonly string[];
}

/**
 * Deterministic 3-way split. Within each stratum, items are ordered by content hash; the first n·test (apportioned so
 * the totals are exact) go to
 * test, the next share to validation, the rest to train. Ordering by hash (not position) makes the
 * split independent of file order and stable as data grows: a new example only moves the cut slightly.
 * Cuts never fall inside a run of equal hashes, so identical examples can never straddle test and train even when
 * deduplication is off.
 * Hashes here are strings of any length, compared as strings; see assignSplitCodes for the columnar form.
 */
export function assignSplits(items: readonly SplitItem[], shares: { validation: number; test: number }): SplitName[] {
  // Each distinct hash becomes its rank among the sorted hashes: same order, same equalities.
  const hashRank = new Map([...new Set(items.map((it) => it.hash))].sort().map((h, r) => [h, r] as const));
  const strataCode = new Map<string, number>();
  const lo = new Uint32Array(items.length);
  const stratum = new Uint32Array(items.length);
  items.forEach((it, i) => {
    lo[i] = hashRank.get(it.hash)!;
    let code = strataCode.get(it.stratum);
    if (code === undefined) strataCode.set(it.stratum, (code = strataCode.size));
    stratum[i] = code;
  });
  const hi = new Uint32Array(items.length);
  const codes = assignSplitCodes({ length: items.length, hi, lo, stratum, strata: [...strataCode.keys()] }, shares);
  return Array.from(codes, (c) => SPLIT_CODES[c]!);
}

/**
 * assignSplits over columns: the split of each item as a code (0 train, 1 validation, 2 test; see SPLIT_CODES).
 * Items are ordered by one radix sort of their positions (sortSplitOrder): about 10 bytes an item besides the
 * columns, and linear time.
 */
export function assignSplitCodes(items: SplitColumns, shares: { validation: number; test: number }): Uint8Array {
  const n = items.length;
  const names = items.stratum ? (items.strata ?? []) : [''];
  const codeSizes = new Array<number>(names.length).fill(0);
  if (items.stratum) for (let i = 0; i < n; i++) codeSizes[items.stratum[i]!]!++;
  else codeSizes[0] = n;
  // Strata that hold items, by name; rankOf maps a stratum code to its place in that order.
  const used = names.map((name, code) => ({ name, code })).filter((s) => codeSizes[s.code]! > 0);
  used.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const sizes = used.map((s) => codeSizes[s.code]!);
  let rank: Uint8Array | Uint32Array | undefined;
  if (items.stratum && used.length > 1) {
    const rankOf = new Uint32Array(names.length);
    used.forEach((s, r) => (rankOf[s.code] = r));
    rank = used.length <= 256 ? new Uint8Array(n) : new Uint32Array(n);
    for (let i = 0; i < n; i++) rank[i] = rankOf[items.stratum[i]!]!;
  }
  const order = sortSplitOrder({ length: n, hi: items.hi, lo: items.lo, rank });
  // eslint-disable-next-line no-useless-assignment -- drops the rank column so it can be collected while splitting
  rank = undefined;
  const testCounts = apportion(sizes, shares.test);
  const valCounts = apportion(sizes, shares.validation);
  const out = new Uint8Array(n); // 0: train, unless a cut below puts the item in test or validation
  const sameHash = (a: number, b: number) => items.hi[a] === items.hi[b] && items.lo[a] === items.lo[b];
  // Moves a cut forward past items whose hash equals the one just before it.
  const extendRun = (start: number, end: number, cut: number) => {
    let c = cut;
    while (c > start && c < end && sameHash(order[c]!, order[c - 1]!)) c++;
    return c;
  };
  let start = 0;
  sizes.forEach((size, s) => {
    const end = start + size;
    const testEnd = extendRun(start, end, start + testCounts[s]!);
    const valEnd = extendRun(start, end, Math.min(end, testEnd + valCounts[s]!));
    for (let k = start; k < valEnd; k++) out[order[k]!] = k < testEnd ? TEST : VALIDATION;
    start = end;
  });
  return out;
}

/**
 * Per-stratum counts that sum to exactly round(total × share) (largest remainder method), so stratifying never
 * changes the overall split sizes; ties go to the stratum that sorts first, for determinism.
 */
export function apportion(sizes: readonly number[], share: number): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const target = Math.round(total * share);
  const exact = sizes.map((n) => n * share);
  const counts = exact.map(Math.floor);
  let left = target - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    if (counts[i]! < sizes[i]!) {
      counts[i]!++;
      left--;
    }
  }
  return counts;
}
