export type SplitName = 'train' | 'validation' | 'test';

export interface SplitItem {
  /** Hex content hash (seeded); equal contents have equal hashes. */
  hash: string;
  /** Label for stratification, or '' when not stratifying. */
  stratum: string;
}

/**
 * Deterministic 3-way split. Within each stratum, items are ordered by content hash; the first n·test (apportioned so
 * the totals are exact) go to
 * test, the next share to validation, the rest to train. Ordering by hash (not position) makes the
 * split independent of file order and stable as data grows: a new example only moves the cut slightly.
 * Cuts never fall inside a run of equal hashes, so identical examples can never straddle test and train even when
 * deduplication is off.
 */
export function assignSplits(items: readonly SplitItem[], shares: { validation: number; test: number }): SplitName[] {
  const out: SplitName[] = new Array(items.length).fill('train');
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
    const testEnd = extendRun(idxs, items, testCounts[s]!);
    const valEnd = extendRun(idxs, items, Math.min(n, testEnd + valCounts[s]!));
    for (let k = 0; k < n; k++) out[idxs[k]!] = k < testEnd ? 'test' : k < valEnd ? 'validation' : 'train';
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

/** Moves a cut forward past items whose hash equals the one just before it. */
function extendRun(sorted: number[], items: readonly SplitItem[], cut: number): number {
  let c = cut;
  while (c > 0 && c < sorted.length && items[sorted[c]!]!.hash === items[sorted[c - 1]!]!.hash) c++;
  return c;
}
