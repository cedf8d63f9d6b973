/**
 * Deterministic text embeddings: hashed word and character n-grams folded into `dimensions` buckets
 * with a ±1 sign hash (so collisions cancel instead of piling up), then L2-normalised. Similar texts
 * share n-grams and so get a high cosine; the same text always gets the same vector.
 */
import { featureCounts, hashString } from './features';

export const DEFAULT_EMBEDDING_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

export function embed(text: string, dimensions: number): Float32Array {
  const out = new Float32Array(dimensions);
  // Features are hashed into a large space first, then folded: bucket and sign come from that key.
  const counts = featureCounts(text, { dim: 1 << 24, charWeight: 0.6 });
  for (const [key, count] of counts) {
    const h = hashString(String(key), 0x5bd1e995);
    out[h % dimensions]! += (h & 0x80000000 ? -1 : 1) * Math.log1p(count);
  }
  let norm = 0;
  for (let i = 0; i < dimensions; i++) norm += out[i]! * out[i]!;
  if (norm === 0) {
    // An empty text still needs a unit vector; a fixed axis keeps it deterministic.
    out[0] = 1;
    return out;
  }
  const s = 1 / Math.sqrt(norm);
  for (let i = 0; i < dimensions; i++) out[i]! *= s;
  return out;
}
