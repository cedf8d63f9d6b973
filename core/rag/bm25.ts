import { contentWords } from '../text/stopwords';

/** Okapi BM25's usual constants: term-frequency saturation and length normalisation. */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

export interface ScoredIndex {
  index: number;
  score: number;
}

/** Words BM25 matches on: lower-cased letters and digits, stopwords dropped (numbers are kept: they are facts). */
export function bm25Terms(text: string): string[] {
  const words = contentWords(text);
  return words ? words.split(' ') : [];
}

/**
 * An in-memory BM25 index over a fixed list of texts (Robertson & Zaragoza, 2009), with the non-negative idf
 * ln(1 + (N − df + 0.5)/(df + 0.5)) so a term in most documents still counts a little rather than negatively.
 */
export class Bm25Index {
  private readonly postings = new Map<string, { doc: number; tf: number }[]>();
  private readonly lengths: number[];
  private readonly avgLength: number;

  constructor(texts: readonly string[]) {
    this.lengths = texts.map((text, doc) => {
      const terms = bm25Terms(text);
      const tf = new Map<string, number>();
      for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const [term, n] of tf) {
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push({ doc, tf: n });
      }
      return terms.length;
    });
    this.avgLength = this.lengths.length ? this.lengths.reduce((a, b) => a + b, 0) / this.lengths.length : 0;
  }

  get size(): number {
    return this.lengths.length;
  }

  idf(term: string): number {
    const df = this.postings.get(term)?.length ?? 0;
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  /** Documents with a positive score, best first (ties by position), at most k. */
  search(query: string, k: number): ScoredIndex[] {
    const scores = new Map<number, number>();
    for (const term of new Set(bm25Terms(query))) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf(term);
      for (const { doc, tf } of list) {
        const norm = BM25_K1 * (1 - BM25_B + (BM25_B * this.lengths[doc]!) / (this.avgLength || 1));
        scores.set(doc, (scores.get(doc) ?? 0) + (idf * tf * (BM25_K1 + 1)) / (tf + norm));
      }
    }
    return [...scores]
      .map(([index, score]) => ({ index, score }))
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, k);
  }
}
