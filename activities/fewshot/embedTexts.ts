import { heartbeat } from '@temporalio/activity';
import type { ProviderSpec } from '../../core/spec/providerSpec';
import { canonicalJson } from '../../core/dataset/canonicalJson';
import { sha256 } from '../../core/evalSuite/cacheKeys';
import { embeddingCache } from '../../stores/cache/keyedCache';
import { embedBatch } from '../rag/embedBatch';
import { providerEndpoint } from '../evalSuite/providerCalls';

const BATCH = 256;

/**
 * Embeddings through the provider's `/v1/embeddings`, cached by content hash (endpoint, model, text) so a pool is
 * embedded once across variants, runs and retries (each request through embedBatch: paced, SDK retries off). Vectors
 * are stored as base64 float32, as the API sends them.
 */
export async function embedTexts(texts: readonly string[], model: string, spec?: ProviderSpec): Promise<number[][]> {
  const cache = embeddingCache();
  const endpoint = providerEndpoint(spec);
  const keys = texts.map((text) => sha256(canonicalJson({ endpoint, model, text })));
  const out: (number[] | undefined)[] = await Promise.all(
    keys.map(async (k) => decode(await cache.get<{ b64: string }>(k))),
  );
  const missing = [...new Set(keys.filter((_, i) => !out[i]))];
  const textOf = new Map(keys.map((k, i) => [k, texts[i]!]));
  for (let start = 0; start < missing.length; start += BATCH) {
    const batch = missing.slice(start, start + BATCH);
    const vectors = await embedBatch(
      batch.map((k) => textOf.get(k)!),
      model,
      { provider: spec },
    );
    await Promise.all(
      vectors.map(async (vec, j) => {
        const key = batch[j]!;
        await cache.put(key, { b64: Buffer.from(Float32Array.from(vec).buffer).toString('base64') });
        keys.forEach((k, i) => k === key && (out[i] = vec));
      }),
    );
    heartbeat({ embedded: Math.min(start + BATCH, missing.length), of: missing.length });
  }
  return out.map((v) => v!);
}

function decode(entry: { b64: string } | undefined): number[] | undefined {
  if (!entry) return undefined;
  const buf = Buffer.from(entry.b64, 'base64');
  return Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4));
}
