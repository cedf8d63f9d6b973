import { mulberry32, type Rng } from './rng';

/** A PRNG from a text seed (FNV-1a of the text): reports name their seed as a word, and the same word reproduces. */
export function rngFromSeed(seed: string | number): Rng {
  if (typeof seed === 'number') return mulberry32(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mulberry32(h >>> 0);
}
