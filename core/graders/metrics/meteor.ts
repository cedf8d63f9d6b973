import { whitespaceTokens } from './ngrams';
import { porterStem } from './porterStemmer';

/**
 * `meteor` after NLTK 3.9's `single_meteor_score` (α 0.9, β 3, γ 0.5, lower-cased whitespace tokens): words are
 * aligned by exact match, then by Porter stem; F-mean = P·R / (α·P + (1−α)·R); the fragmentation penalty is
 * γ·(chunks / matches)^β. NLTK's third stage, WordNet synonyms, is not implemented (it needs the WordNet database),
 * so synonyms count as misses here; recorded in the run report.
 */
export function meteor(hypothesis: string, reference: string, alpha = 0.9, beta = 3, gamma = 0.5): number {
  const hyp = whitespaceTokens(hypothesis.toLowerCase()).map((w, i) => ({ i, w }));
  const ref = whitespaceTokens(reference.toLowerCase()).map((w, i) => ({ i, w }));
  const hypLen = hyp.length;
  const refLen = ref.length;
  const exact = matchEnums(hyp, ref, (w) => w);
  const stems = matchEnums(hyp, ref, porterStem);
  const matches = [...exact, ...stems].sort((a, b) => a[0] - b[0]);
  const m = matches.length;
  if (m === 0 || hypLen === 0 || refLen === 0) return 0;
  const precision = m / hypLen;
  const recall = m / refLen;
  const fmean = (precision * recall) / (alpha * precision + (1 - alpha) * recall);
  const penalty = gamma * (countChunks(matches) / m) ** beta;
  return (1 - penalty) * fmean;
}

/** NLTK's `_match_enums`: from the end of both lists, the first equal pair is matched and removed (mutates both). */
function matchEnums(
  hyp: { i: number; w: string }[],
  ref: { i: number; w: string }[],
  key: (w: string) => string,
): [number, number][] {
  const out: [number, number][] = [];
  for (let i = hyp.length - 1; i >= 0; i--) {
    const hk = key(hyp[i]!.w);
    for (let j = ref.length - 1; j >= 0; j--) {
      if (hk === key(ref[j]!.w)) {
        out.push([hyp[i]!.i, ref[j]!.i]);
        hyp.splice(i, 1);
        ref.splice(j, 1);
        break;
      }
    }
  }
  return out;
}

/** Runs of matches adjacent in both texts. */
function countChunks(matches: [number, number][]): number {
  let chunks = 1;
  for (let i = 0; i < matches.length - 1; i++) {
    const [h, r] = matches[i]!;
    const [h2, r2] = matches[i + 1]!;
    if (!(h2 === h + 1 && r2 === r + 1)) chunks++;
  }
  return chunks;
}
