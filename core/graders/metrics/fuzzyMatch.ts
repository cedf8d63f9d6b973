/**
 * `fuzzy_match` as rapidfuzz's `fuzz.ratio / 100` without preprocessing: the normalised Indel similarity
 * 2·LCS(a, b) / (|a| + |b|), counted in Unicode code points as Python counts them. Two empty
 * strings are identical (1), as in rapidfuzz.
 */
export function fuzzyRatio(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  if (x.length + y.length === 0) return 1;
  return (2 * lcsLength(x, y)) / (x.length + y.length);
}

/** Longest common subsequence length, O(|a|·|b|) time and O(|b|) memory. */
export function lcsLength<T>(a: readonly T[], b: readonly T[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}
