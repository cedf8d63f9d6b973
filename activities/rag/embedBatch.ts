import { setMaxListeners } from 'node:events';
import { cancellationSignal } from '@temporalio/activity';
import type { ProviderSpec } from '../../core/spec/providerSpec';
import { providerClient } from '../../providers/openai/client';
import { callProvider } from '../../providers/openai/errors';
import { pacerFor } from '../evalSuite/requestPacer';
import { providerEndpoint } from '../evalSuite/providerCalls';

export const DEFAULT_EMBEDDING_MODEL = 'text-embedding-3-small';

/**
 * One `/v1/embeddings` request through the official SDK, paced like every provider call and mapped to Temporal's
 * failures (SDK retries off). Vectors come back in input order, whatever order the provider lists them in.
 */
export async function embedBatch(
  texts: readonly string[],
  model: string,
  opts: { dimensions?: number; provider?: ProviderSpec; signal?: AbortSignal } = {},
): Promise<number[][]> {
  const client = providerClient(opts.provider);
  const pacer = pacerFor(providerEndpoint(opts.provider), model);
  const signal = opts.signal ?? activitySignal();
  if (signal) setMaxListeners(0, signal);
  await pacer.acquire(signal);
  // Floats explicitly: the SDK's default (base64) is not served by every OpenAI-compatible server (the trainer's, some
  // vLLM).
  const { data, response } = await callProvider(`embeddings (${model})`, () =>
    client.embeddings
      .create(
        {
          model,
          input: [...texts],
          encoding_format: 'float',
          ...(opts.dimensions ? { dimensions: opts.dimensions } : {}),
        },
        { signal },
      )
      .withResponse(),
  );
  pacer.observe(response.headers);
  const out: number[][] = new Array(texts.length);
  for (const d of data.data) out[d.index] = d.embedding as number[];
  if (out.some((v) => !v) || data.data.length !== texts.length)
    throw new Error(`embeddings (${model}): expected ${texts.length} vectors, got ${data.data.length}`);
  return out;
}

/** The activity's cancellation signal inside an activity; none in a plain process (the `ask` command). */
function activitySignal(): AbortSignal | undefined {
  try {
    return cancellationSignal();
  } catch {
    return undefined;
  }
}
