import { ApplicationFailure } from '@temporalio/common';
import type { SelfHostedProvider } from '../../core/spec/providerSpec';
import { resolveProvider } from '../../providers/openai/client';
import { Failure } from '../../core/failures/failureTypes';

/**
 * Makes a newly trained LoRA adapter servable before it is evaluated: vLLM's runtime adapter API
 * (`POST /v1/load_lora_adapter`, vLLM started with --enable-lora and VLLM_ALLOW_RUNTIME_LORA_UPDATING=True), which the
 * trainer's development chat server implements too. Idempotent: an adapter already loaded under this name (a retried
 * attempt, a re-run) counts as done, so a retry never fails on its own earlier success.
 */
export async function registerServedAdapter(input: {
  provider: SelfHostedProvider;
  model: string;
  adapterPath: string;
}): Promise<{ loaded: boolean }> {
  const resolved = resolveProvider(input.provider, process.env);
  if (resolved.kind !== 'openai' || !resolved.baseURL)
    throw ApplicationFailure.nonRetryable('self-hosted serving URL is not set', Failure.ProviderNotConfigured);
  const url = `${resolved.baseURL.replace(/\/+$/, '')}/load_lora_adapter`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${resolved.apiKey}` },
    body: JSON.stringify({ lora_name: input.model, lora_path: input.adapterPath }),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await res.text();
  if (res.ok) return { loaded: true };
  if (res.status === 400 && /already been loaded/i.test(text)) return { loaded: false };
  const message = `POST ${url} for ${input.model} (${input.adapterPath}) answered ${res.status}: ${errorMessage(text)}`;
  // 4xx: the server refuses this adapter or has runtime loading off; retrying will not change its mind.
  if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
    throw ApplicationFailure.nonRetryable(
      `${message}` +
        `${res.status === 404 && !/no adapter found/i.test(text) ? ' (is the server vLLM started with ' + '--enable-lora and ' + 'VLLM_ALLOW_RUNTIME_LORA_UPDATING=True?)' : ''}`,
      Failure.AdapterNotLoaded,
    );
  }
  throw ApplicationFailure.retryable(message, Failure.ServingUnavailable);
}

function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: string; error?: { message?: string } | string };
    const m = typeof body.error === 'string' ? body.error : (body.error?.message ?? body.message);
    if (m) return m;
  } catch {
    // plain text
  }
  return text.slice(0, 500);
}
