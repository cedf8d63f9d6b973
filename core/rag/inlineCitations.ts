import { questionTerms } from './documentCoverage';

/**
 * Marks each sentence of an answer that cites nothing with the passage it came from, `… 60 days of delivery [1].`:
 * the passage holding at least half of the sentence's content words, the most of them first. A sentence no
 * passage supports stays unmarked, and an answer that already cites by `[n]` is left as the model wrote it.
 */
export function withInlineCitations(
  answer: string,
  passages: readonly { n: number; text: string; heading?: string }[],
): string {
  if (/\[\d+\]/.test(answer) || passages.length === 0) return answer;
  const words = passages.map((p) => new Set(questionTerms(`${p.heading ?? ''} ${p.text}`)));
  return answer
    .split(/(?<=[.!?])(\s+)/)
    .map((part) => {
      const terms = questionTerms(part);
      if (terms.length === 0) return part;
      let best = -1;
      let bestHits = 0;
      words.forEach((set, i) => {
        const hits = terms.filter((t) => set.has(t)).length;
        if (hits > bestHits) [best, bestHits] = [i, hits];
      });
      if (best < 0 || bestHits * 2 < terms.length) return part;
      const marker = ` [${passages[best]!.n}]`;
      const m = /^(.*?)([.!?]*)$/s.exec(part)!;
      return `${m[1]}${marker}${m[2]}`;
    })
    .join('');
}
