/**
 * A provider's failure as the gateway's answer: the provider's own status and OpenAI-shaped error body pass through
 * unchanged; a provider that cannot be reached is a 502 naming the model; a client that went away needs no answer.
 */
import OpenAI from 'openai';
import { LoopbackHttpError } from '../loopback/httpError';

/** Headers of a provider error worth passing on (how long to wait before retrying). */
const PASSED_HEADERS = ['retry-after', 'retry-after-ms', 'x-request-id'];

export function upstreamError(err: unknown, model: string): LoopbackHttpError {
  if (err instanceof LoopbackHttpError) return err;
  if (err instanceof OpenAI.APIConnectionError) {
    const message = `the provider of model '${model}' could not be reached: ${err.message}`;
    return new LoopbackHttpError(502, message, 'server_error', null, 'provider_unreachable');
  }
  if (err instanceof OpenAI.APIError && err.status !== undefined) {
    const body = (err.error ?? {}) as { message?: unknown; type?: unknown; param?: unknown; code?: unknown };
    const headers: Record<string, string> = {};
    for (const name of PASSED_HEADERS) {
      const value = err.headers?.get(name);
      if (value) headers[name] = value;
    }
    return new LoopbackHttpError(
      err.status,
      typeof body.message === 'string' ? body.message : err.message,
      typeof body.type === 'string' ? body.type : 'api_error',
      typeof body.param === 'string' ? body.param : null,
      typeof body.code === 'string' ? body.code : null,
      headers,
    );
  }
  const message = `the gateway could not forward to model '${model}': ${(err as Error)?.message ?? String(err)}`;
  return new LoopbackHttpError(502, message, 'server_error', null, 'upstream_failed');
}

/** True when the failure is our own abort (the client disconnected). */
export function isClientAbort(err: unknown): boolean {
  return err instanceof OpenAI.APIUserAbortError;
}
