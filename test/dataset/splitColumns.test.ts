/**
 * The split step keeps its examples as typed-array columns (core/dataset/keptColumns.ts) and orders them with a
 * radix sort (core/dataset/splitOrder.ts). These tests hold the result to the object-and-string algorithm it
 * replaced, kept verbatim below as the reference: same split for every item on random inputs, with and without
 * stratification, with duplicate hashes, and with groups (whose hashes flow through the same column).
 */
import { KeptColumns } from '../../core/dataset/keptColumns';
import {
  apportion,
  assignSplitCodes,
  assignSplits,
  SPLIT_CODES,
  type SplitItem,
  type SplitName,
} from '../../core/dataset/splitAssignment';
import { groupSplitHash, SplitGroups } from '../../core/dataset/splitGroups';
import { sortSplitOrder } from '../../core/dataset/splitOrder';
import { mulberry32 } from '../../core/stats/rng';

/** The previous assignSplits, unchanged: objects sorted with string comparisons. */
function referenceAssignSplits(items: readonly SplitItem[], shares: { validation: number; test: number }): SplitName[] {
  const out: SplitName[] = new Array<SplitName>(items.length).fill('train');
  const strata = new Map<string, number[]>();
  items.forEach((it, i) => {
    const list = strata.get(it.stratum);
    if (list) list.push(i);
    else strata.set(it.stratum, [i]);
  });
  const names = [...strata.keys()].sort();
  const sizes = names.map((k) => strata.get(k)!.length);
  const testCounts = apportion(sizes, shares.test);
  const valCounts = apportion(sizes, shares.validation);
  names.forEach((name, s) => {
    const idxs = strata.get(name)!;
    idxs.sort((a, b) => (items[a]!.hash < items[b]!.hash ? -1 : items[a]!.hash > items[b]!.hash ? 1 : a - b));
    const n = idxs.length;
    const testEnd = referenceExtendRun(idxs, items, testCounts[s]!);
    const valEnd = referenceExtendRun(idxs, items, Math.min(n, testEnd + valCounts[s]!));
    for (let k = 0; k < n; k++) out[idxs[k]!] = k < testEnd ? 'test' : k < valEnd ? 'validation' : 'train';
  });
  return out;
}

function referenceExtendRun(sorted: number[], items: readonly SplitItem[], cut: number): number {
  let c = cut;
  while (c > 0 && c < sorted.length && items[sorted[c]!]!.hash === items[sorted[c - 1]!]!.hash) c++;
  return c;
}

type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const hex16 = (rand: Rand) =>
  Array.from({ length: 2 }, () =>
    Math.floor(rand() * 2 ** 32)
      .toString(16)
      .padStart(8, '0'),
  ).join('');
/** A hash that differs from `base` only in one 16-bit digit (4 hex digits), so every radix pass decides. */
const near = (rand: Rand, base: string) => {
  const at = 4 * Math.floor(rand() * 4);
  return base.slice(0, at) + hex16(rand).slice(0, 4) + base.slice(at + 4);
};
const LABELS = ['billing', 'bug', 'Billing', 'é-accent', 'a b', 'z', '10', '9'];

function randomShares(rand: Rand) {
  const options = [0, 0.05, 0.1, 0.2, 0.25, 1 / 3, 0.5];
  return { validation: pick(rand, options), test: pick(rand, options) };
}

/** Random kept examples as prepareDataset sees them: split hash (repeats included), label. */
function randomExamples(rand: Rand, n: number, labels: readonly string[]) {
  const pool: string[] = [];
  return Array.from({ length: n }, () => {
    let hash: string;
    if (pool.length > 0 && rand() < 0.15) hash = pick(rand, pool);
    else if (pool.length > 0 && rand() < 0.2) hash = near(rand, pick(rand, pool));
    else hash = hex16(rand);
    pool.push(hash);
    return { hash, label: pick(rand, labels) };
  });
}

describe('split assignment over columns equals the object-and-string algorithm', () => {
  test('random examples, unstratified and stratified by label (300 cases)', () => {
    const rand = mulberry32(17);
    for (let trial = 0; trial < 300; trial++) {
      const n = Math.floor(rand() * (trial % 10 === 0 ? 3000 : 200));
      const labels = LABELS.slice(0, 1 + Math.floor(rand() * LABELS.length));
      const examples = randomExamples(rand, n, labels);
      const shares = randomShares(rand);
      const stratify = rand() < 0.6;
      const columns = new KeptColumns();
      examples.forEach((e, i) => columns.add(e.hash, i, e.label));
      const got = Array.from(assignSplitCodes(columns.splitColumns(stratify && {}), shares), (c) => SPLIT_CODES[c]);
      const items = examples.map((e) => ({ hash: e.hash, stratum: stratify ? e.label : '' }));
      const want = referenceAssignSplits(items, shares);
      expect({ trial, got }).toEqual({ trial, got: want });
    }
  });

  test("random groups: group hashes in the column, stratum = the group's most frequent label (200 cases)", () => {
    const rand = mulberry32(23);
    for (let trial = 0; trial < 200; trial++) {
      const n = Math.floor(rand() * 400);
      const groupCount = 1 + Math.floor(rand() * 60);
      const labels = LABELS.slice(0, 2 + Math.floor(rand() * 4));
      const shares = randomShares(rand);
      const stratify = rand() < 0.6;
      const groups = new SplitGroups(`seed-${trial}`);
      const columns = new KeptColumns();
      const hashes: string[] = [];
      for (let i = 0; i < n; i++) {
        // As prepareDataset does: the example's label goes to its group and to the columns.
        const label = pick(rand, labels);
        const group = `g${Math.floor(rand() * groupCount)}`;
        const hash = groups.add(group, label);
        if (hash !== groupSplitHash(`seed-${trial}`, group)) throw new Error('groupSplitHash differs from SplitGroups');
        hashes.push(hash);
        columns.add(hash, 1, label);
      }
      const codes = assignSplitCodes(columns.splitColumns(stratify && { byGroup: true }), shares);
      const got = Array.from(codes, (c) => SPLIT_CODES[c]);
      const items = hashes.map((h) => ({ hash: h, stratum: stratify ? groups.stratumOf(h) : '' }));
      const want = referenceAssignSplits(items, shares);
      expect({ trial, got }).toEqual({ trial, got: want });
    }
  });

  test('the string form (any hash strings, any strata) is unchanged too (200 cases)', () => {
    const rand = mulberry32(29);
    const alphabet = ['a', 'b', 'A', '0', 'é', '\u{1F600}', ''];
    for (let trial = 0; trial < 200; trial++) {
      const n = Math.floor(rand() * 150);
      const stratum = () => pick(rand, alphabet) + pick(rand, alphabet);
      const strata = Array.from({ length: 1 + Math.floor(rand() * 5) }, stratum);
      const items = Array.from({ length: n }, () => ({
        hash: Array.from({ length: Math.floor(rand() * 4) }, () => pick(rand, alphabet)).join(''),
        stratum: pick(rand, strata),
      }));
      const shares = randomShares(rand);
      expect({ trial, got: assignSplits(items, shares) }).toEqual({ trial, got: referenceAssignSplits(items, shares) });
    }
  });

  test('200,000 examples over 40 labels: every radix pass, same splits', () => {
    const rand = mulberry32(31);
    const labels = Array.from({ length: 40 }, (_, i) => `label-${i}`);
    const examples = randomExamples(rand, 200_000, labels);
    const shares = { validation: 0.1, test: 0.2 };
    const columns = new KeptColumns();
    examples.forEach((e) => columns.add(e.hash, 0, e.label));
    const got = assignSplitCodes(columns.splitColumns({}), shares);
    const want = referenceAssignSplits(
      examples.map((e) => ({ hash: e.hash, stratum: e.label })),
      shares,
    );
    let differ = 0;
    want.forEach((w, i) => (differ += SPLIT_CODES[got[i]!] === w ? 0 : 1));
    expect(differ).toBe(0);
  });
});

describe('sortSplitOrder', () => {
  test('equals a comparison sort on 100,000 keys with near-equal hashes', () => {
    const rand = mulberry32(37);
    const examples = randomExamples(rand, 100_000, ['b', 'a', 'c']);
    const hi = Uint32Array.from(examples, (e) => parseInt(e.hash.slice(0, 8), 16));
    const lo = Uint32Array.from(examples, (e) => parseInt(e.hash.slice(8), 16));
    const rank = Uint8Array.from(examples, (e) => ['a', 'b', 'c'].indexOf(e.label));
    const want = examples.map((_, i) => i);
    const key = (i: number) => `${rank[i]} ${examples[i]!.hash}`;
    want.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a - b));
    expect([...sortSplitOrder({ length: examples.length, hi, lo, rank })]).toEqual(want);
  });

  test('orders by stratum rank, then hi, then lo, then position', () => {
    const hi = Uint32Array.from([2, 1, 1, 0xffffffff, 1, 0]);
    const lo = Uint32Array.from([0, 0x10000, 5, 0, 5, 0xffffffff]);
    const rank = Uint8Array.from([0, 0, 0, 0, 0, 1]);
    expect([...sortSplitOrder({ length: 6, hi, lo })]).toEqual([5, 2, 4, 1, 0, 3]);
    expect([...sortSplitOrder({ length: 6, hi, lo, rank })]).toEqual([2, 4, 1, 0, 3, 5]);
    expect([...sortSplitOrder({ length: 0, hi, lo })]).toEqual([]);
  });
});

describe('KeptColumns', () => {
  test('keeps hash, tokens and label of each example; drops labels once an answer is not one', () => {
    const c = new KeptColumns();
    const hashes = Array.from({ length: 40_000 }, (_, i) => (i * 2654435761).toString(16).padStart(16, '0').slice(-16));
    hashes.forEach((h, i) => c.add(h, i * 3, i % 2 ? 'odd' : 'even'));
    expect(c.length).toBe(40_000);
    expect(hashes.every((h, i) => c.splitHash(i) === h && c.tokens(i) === i * 3)).toBe(true);
    expect([c.label(0), c.label(1)]).toEqual(['even', 'odd']);
    c.add('00000000000000ff', 1, undefined);
    expect(c.labels).toEqual([]);
    expect(c.label(0)).toBeUndefined();
    expect(() => c.splitColumns({})).toThrow(/not labels/);
    expect(() => c.add('xyz', 1, 'a')).toThrow(/16 hex digits/);
  });
});
