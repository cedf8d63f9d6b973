import { bm25Terms } from './bm25';

/**
 * Whether a retrieved passage's label (`source#heading`) counts as a labelled relevant passage: the same label,
 * or a heading under it, or any passage of a relevant source when the label names only a source.
 */
export function matchesRelevant(label: string, relevant: string): boolean {
  return label === relevant || label.startsWith(`${relevant}#`) || label.startsWith(`${relevant} > `);
}

/** Share of the relevant passages found in the top k retrieved (each relevant label counted once). */
export function recallAtK(retrieved: readonly string[], relevant: readonly string[], k: number): number {
  if (relevant.length === 0) return 1;
  const top = retrieved.slice(0, k);
  const found = relevant.filter((r) => top.some((label) => matchesRelevant(label, r)));
  return found.length / relevant.length;
}

/** Reciprocal rank of the first relevant passage (0 when none is retrieved); averaged over queries it is MRR. */
export function reciprocalRank(retrieved: readonly string[], relevant: readonly string[]): number {
  const i = retrieved.findIndex((label) => relevant.some((r) => matchesRelevant(label, r)));
  return i < 0 ? 0 : 1 / (i + 1);
}

/**
 * Faithfulness by lexical overlap: the share of the answer's content words (stopwords dropped, numbers kept)
 * that occur in the cited passages. A cheap, judge-free proxy: it catches invented numbers and names, not a
 * wrong claim assembled from the passages' own words. An answer with no content words scores 1 (nothing unsupported).
 */
export function faithfulness(
  answer: string,
  passages: readonly string[],
): { score: number; supported: number; total: number; unsupported: string[] } {
  const support = new Set(passages.flatMap((p) => bm25Terms(p)));
  const words = bm25Terms(answer.replace(/\[\d+\]/g, ' '));
  const unsupported = words.filter((w) => !support.has(w));
  const total = words.length;
  return {
    score: total ? (total - unsupported.length) / total : 1,
    supported: total - unsupported.length,
    total,
    unsupported: [...new Set(unsupported)],
  };
}
