import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';

/**
 * The provider client for activities. Temporal owns retries (DESIGN invariant 2), so the SDK's own are off.
 * Connection settings come only from the worker's environment: OPENAI_BASE_URL (the local backend, any
 * OpenAI-compatible host, or OpenAI itself when unset) and OPENAI_API_KEY. Secrets never enter workflow history.
 */
let cached: { key: string; client: OpenAI } | undefined;

export function providerClient(env: NodeJS.ProcessEnv = process.env): OpenAI {
  // An empty variable counts as unset (`OPENAI_API_KEY= tailor worker` must not send an empty key).
  const baseURL = env.OPENAI_BASE_URL || undefined;
  // The local backend accepts any key; a placeholder keeps the SDK from refusing to start.
  const apiKey = env.OPENAI_API_KEY || (baseURL && isLoopback(baseURL) ? 'tailor-local' : undefined);
  if (!apiKey) {
    // A worker without credentials cannot heal by retrying: fail the step with a message the operator can act on.
    throw ApplicationFailure.nonRetryable(
      'OPENAI_API_KEY is not set in the worker environment (and OPENAI_BASE_URL is not a local backend)',
      'ProviderNotConfigured',
    );
  }
  const key = `${baseURL ?? ''}|${apiKey}`;
  if (!cached || cached.key !== key) {
    cached = { key, client: new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: 60_000 }) };
  }
  return cached.client;
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  } catch {
    return false;
  }
}
