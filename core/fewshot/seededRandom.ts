import { createHash } from 'node:crypto';

/**
 * Seeded random few-shot selection: the same seed and input always pick the same examples, so a variant's
 * score is reproducible. Deterministic by hashing, not by a shared generator, so order of evaluation is irrelevant.
 */
export function selectSeededRandom<T>(pool: readonly T[], k: number, seed: string, input: string): T[] {
  return rankSeededRandom(pool, seed, input).slice(0, Math.min(k, pool.length));
}

/** The whole pool in seeded random order (a token budget walks it until k examples fit). */
export function rankSeededRandom<T>(pool: readonly T[], seed: string, input: string): T[] {
  const scored = pool.map((item, i) => ({
    item,
    key: createHash('sha256').update(`${seed}\u0000${input}\u0000${i}`).digest('hex'),
  }));
  scored.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return scored.map((s) => s.item);
}
