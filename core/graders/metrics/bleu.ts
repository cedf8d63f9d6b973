import { ngramCounts, overlap, total, whitespaceTokens } from './ngrams';

/** sys.float_info.min: what NLTK's default smoothing (method0) puts in place of a zero precision. */
const PY_FLOAT_MIN = 2.2250738585072014e-308;

/**
 * `bleu` as NLTK 3.9's `sentence_bleu([reference], hypothesis)` with its defaults: whitespace tokens,
 * case-sensitive, n = 1..4 with equal weights, the brevity penalty, and no smoothing (method0) — so a hypothesis
 * with no matching 4-gram scores ~0, exactly as NLTK does. No unigram match at all scores 0.
 */
export function bleu(hypothesis: string, reference: string): number {
  const hyp = whitespaceTokens(hypothesis);
  const ref = whitespaceTokens(reference);
  const logs: number[] = [];
  for (let n = 1; n <= 4; n++) {
    const h = ngramCounts(hyp, n);
    const matched = overlap(h, ngramCounts(ref, n));
    if (n === 1 && matched === 0) return 0;
    const p = matched === 0 ? PY_FLOAT_MIN : matched / Math.max(1, total(h));
    logs.push(0.25 * Math.log(p));
  }
  return brevityPenalty(ref.length, hyp.length) * Math.exp(logs.reduce((s, x) => s + x, 0));
}

function brevityPenalty(refLen: number, hypLen: number): number {
  if (hypLen > refLen) return 1;
  if (hypLen === 0) return 0;
  return Math.exp(1 - refLen / hypLen);
}
