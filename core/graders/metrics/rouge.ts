import { lcsLength } from './fuzzyMatch';
import { ngramCounts, overlap, total } from './ngrams';

export type RougeMetric = 'rouge_1' | 'rouge_2' | 'rouge_3' | 'rouge_4' | 'rouge_5' | 'rouge_l';

/**
 * ROUGE F-measure as Google's rouge-score 0.1.2 computes it with its defaults: lower-cased, every run of characters
 * other than [a-z0-9] a separator, no stemming; `rouge_l` is sentence-level `rougeL` (not `rougeLsum`).
 * `input` is the prediction, `reference` the target.
 */
export function rouge(metric: RougeMetric, input: string, reference: string): number {
  const pred = rougeTokens(input);
  const target = rougeTokens(reference);
  if (metric === 'rouge_l') {
    if (pred.length === 0 || target.length === 0) return 0;
    const lcs = lcsLength(pred, target);
    return fmeasure(lcs / pred.length, lcs / target.length);
  }
  const n = Number(metric.slice(-1));
  const p = ngramCounts(pred, n);
  const t = ngramCounts(target, n);
  const hits = overlap(t, p);
  return fmeasure(hits / Math.max(total(p), 1), hits / Math.max(total(t), 1));
}

export function rougeTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter(Boolean);
}

function fmeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}
