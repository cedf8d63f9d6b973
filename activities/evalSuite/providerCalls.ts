import { setMaxListeners } from 'node:events';
import { cancellationSignal } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type OpenAI from 'openai';
import { DEFAULT_PROVIDER, type ProviderSpec } from '../../core/spec/providerSpec';
import type { JudgeRequest, TokenUsage } from '../../core/graders/gradeTypes';
import { providerClient, resolveProvider } from '../../providers/openai/client';
import { callProvider } from '../../providers/openai/errors';
import { pacerFor } from './requestPacer';
import { Failure } from '../../core/failures/failureTypes';

/** The provider's address as cache keys and pacers know it (never the key). */
export function providerEndpoint(spec: ProviderSpec = DEFAULT_PROVIDER): string {
  const r = resolveProvider(spec, process.env);
  return r.kind === 'azure' ? r.endpoint : (r.baseURL ?? 'https://api.openai.com/v1');
}

export interface ChatAnswer {
  text: string;
  refusal: string | null;
  model: string;
  finishReason: string | null;
  usage?: TokenUsage;
  latencyMs: number;
}

export interface ChatCall {
  model: string;
  messages: { role: string; content: unknown }[];
  temperature?: number;
  top_p?: number;
  seed?: number;
  max_completion_tokens?: number;
  reasoning_effort?: string;
  jsonSchema?: JudgeRequest['jsonSchema'];
}

/**
 * One chat completion, paced and mapped to Temporal's failures (SDK retries off; a 429 also makes the pacer hold
 * every request of this process for the provider's retry-after). Latency is the request's wall time.
 */
export async function chatCompletion(
  spec: ProviderSpec | undefined,
  call: ChatCall,
  what: string,
): Promise<ChatAnswer> {
  const client = providerClient(spec);
  const endpoint = providerEndpoint(spec);
  const pacer = pacerFor(endpoint, call.model);
  const signal = cancellationSignal();
  // One activity keeps many requests in flight on its one cancellation signal; each adds a listener.
  setMaxListeners(0, signal);
  await pacer.acquire(signal);
  const body: Record<string, unknown> = { model: call.model, messages: call.messages };
  for (const k of ['temperature', 'top_p', 'seed', 'max_completion_tokens', 'reasoning_effort'] as const)
    if (call[k] !== undefined) body[k] = call[k];
  if (call.jsonSchema)
    body.response_format = {
      type: 'json_schema',
      json_schema: { name: call.jsonSchema.name, schema: call.jsonSchema.schema, strict: true },
    };
  const t0 = performance.now();
  try {
    const { data, response } = await callProvider(what, () =>
      client.chat.completions
        .create(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, { signal })
        .withResponse(),
    );
    pacer.observe(response.headers);
    const choice = data.choices[0];
    return {
      text: choice?.message.content ?? '',
      refusal: choice?.message.refusal ?? null,
      model: data.model,
      finishReason: choice?.finish_reason ?? null,
      usage: data.usage
        ? {
            prompt_tokens: data.usage.prompt_tokens,
            completion_tokens: data.usage.completion_tokens,
            total_tokens: data.usage.total_tokens,
          }
        : undefined,
      latencyMs: performance.now() - t0,
    };
  } catch (err) {
    if (err instanceof ApplicationFailure && err.type === Failure.Provider429 && err.nextRetryDelay !== undefined)
      pacer.backOff(Number(err.nextRetryDelay));
    throw err;
  }
}

/** Failures that concern one case's request (too long, refused by a filter) rather than the setup: record and go on. */
export function isCaseLevelFailure(err: unknown): err is ApplicationFailure {
  return (
    err instanceof ApplicationFailure &&
    err.nonRetryable === true &&
    (err.type === Failure.Provider400 || err.type === Failure.Provider422)
  );
}

export function isRetryableFailure(err: unknown): boolean {
  return !(err instanceof ApplicationFailure) || !err.nonRetryable;
}
