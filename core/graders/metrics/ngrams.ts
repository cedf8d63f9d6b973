/** n-gram counts over token lists, shared by BLEU, GLEU and ROUGE. */
export function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join('\u0001');
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

export function total(counts: Map<string, number>): number {
  let s = 0;
  for (const v of counts.values()) s += v;
  return s;
}

/** Σ min(countA, countB): the clipped overlap of two multisets. */
export function overlap(a: Map<string, number>, b: Map<string, number>): number {
  let s = 0;
  for (const [k, v] of a) s += Math.min(v, b.get(k) ?? 0);
  return s;
}

/** Python's `str.split()`: runs of whitespace separate tokens; leading and trailing whitespace is ignored. */
export function whitespaceTokens(text: string): string[] {
  return text.split(/\s+/u).filter(Boolean);
}
