import { ngramCounts, overlap, total, whitespaceTokens } from './ngrams';

/**
 * `gleu` (Google BLEU) as NLTK 3.9's `sentence_gleu([reference], hypothesis)`: all 1..4-grams of both sides,
 * score = matches / max(hypothesis n-grams, reference n-grams), i.e. min(precision, recall). Whitespace tokens.
 */
export function gleu(hypothesis: string, reference: string): number {
  const hyp = whitespaceTokens(hypothesis);
  const ref = whitespaceTokens(reference);
  let tp = 0;
  let hypTotal = 0;
  let refTotal = 0;
  for (let n = 1; n <= 4; n++) {
    const h = ngramCounts(hyp, n);
    const r = ngramCounts(ref, n);
    tp += overlap(h, r);
    hypTotal += total(h);
    refTotal += total(r);
  }
  const denominator = Math.max(hypTotal, refTotal);
  return denominator === 0 ? 0 : tp / denominator;
}
