import { cosine } from '../fewshot/vectors';
import { bm25Terms, type Bm25Index } from './bm25';
import type { Passage } from './ragPrompt';
import { reciprocalRankFusion } from './rankFusion';
import type { VectorHit } from './vectorStore';

export interface RankOptions {
  k: number;
  /** Fuse the dense ranking with BM25 over every chunk (reciprocal rank fusion). */
  hybrid?: boolean;
  /** Re-rank the candidates by maximal marginal relevance; λ = 1 is pure relevance. @default off */
  mmrLambda?: number;
}

export interface RankInput {
  queryText: string;
  /** Dense hits, nearest first (fetch more than k when fusing or diversifying). */
  dense: readonly VectorHit[];
  /** Chunks by id, for BM25 hits the dense list did not return. */
  chunkById?: (id: string) => Passage | undefined;
  /** BM25 over the same chunks, positions mapping through `idAt`. */
  bm25?: { index: Bm25Index; idAt: (position: number) => string };
}

/** A passage being ranked: relevance in [0, 1], and its vector when the dense search returned it. */
export interface Candidate extends Passage {
  relevance: number;
  vector?: number[];
  terms?: Set<string>;
}

/**
 * The passages to cite, best first: the dense ranking, optionally fused with BM25 (hybrid) and re-ranked for
 * diversity (MMR). Pure: the caller fetched the dense hits; this decides the order.
 */
export function rankPassages(input: RankInput, opts: RankOptions): Passage[] {
  let candidates: Candidate[] = input.dense.map((h) => ({
    id: h.id,
    source: h.source,
    heading: h.heading,
    text: h.text,
    score: h.score,
    relevance: h.score,
    vector: h.vector,
  }));
  if (opts.hybrid && input.bm25) {
    const fetch = Math.max(input.dense.length, opts.k);
    const sparse = input.bm25.index.search(input.queryText, fetch).map((s) => input.bm25!.idAt(s.index));
    const byId = new Map(candidates.map((c) => [c.id, c]));
    const fused = reciprocalRankFusion([candidates.map((c) => c.id), sparse]);
    const top = fused[0]?.score ?? 1;
    candidates = fused.flatMap(({ id, score }) => {
      const known = byId.get(id) ?? input.chunkById?.(id);
      return known ? [{ ...known, score, relevance: score / top, vector: byId.get(id)?.vector }] : [];
    });
  }
  if (opts.mmrLambda !== undefined) candidates = mmr(candidates, opts.mmrLambda, opts.k);
  return candidates
    .slice(0, opts.k)
    .map(({ id, source, heading, text, score }) => ({ id, source, heading, text, score }));
}

/**
 * Maximal marginal relevance over candidates that carry their own relevance: take the one maximising
 * λ·relevance − (1−λ)·max similarity to those taken. Similarity is the cosine of the two vectors, or the Jaccard
 * overlap of their words when one came from BM25 alone and has no vector here.
 */
export function mmr<T extends Candidate>(candidates: readonly T[], lambda: number, k: number): T[] {
  const chosen: T[] = [];
  const remaining = [...candidates];
  while (chosen.length < k && remaining.length) {
    let best = 0;
    let bestScore = -Infinity;
    remaining.forEach((c, i) => {
      const redundancy = chosen.reduce((m, s) => Math.max(m, similarity(c, s)), 0);
      const score = lambda * c.relevance - (1 - lambda) * redundancy;
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    });
    chosen.push(remaining.splice(best, 1)[0]!);
  }
  return chosen;
}

function similarity(a: Candidate, b: Candidate): number {
  if (a.vector && b.vector) return cosine(a.vector, b.vector);
  a.terms ??= new Set(bm25Terms(a.text));
  b.terms ??= new Set(bm25Terms(b.text));
  let shared = 0;
  for (const t of a.terms) if (b.terms.has(t)) shared++;
  const union = a.terms.size + b.terms.size - shared;
  return union ? shared / union : 0;
}
