import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';

/** Statuses a retry cannot fix: the request itself, the key or the account is wrong. */
const PERMANENT = new Set([400, 401, 403, 404, 422]);

/**
 * Maps a provider error to the failure Temporal should see (DESIGN invariant 2): permanent errors become
 * non-retryable `ApplicationFailure`s typed `Provider<Status>` carrying the provider's message and code;
 * 408/409/429/5xx and connection errors stay retryable, honouring `retry-after-ms` / `retry-after`.
 */
export function toTemporalFailure(err: unknown, what: string): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof OpenAI.APIUserAbortError) return err; // cancellation: let Temporal see it as such
  if (err instanceof OpenAI.APIConnectionError) {
    return ApplicationFailure.retryable(`${what}: cannot reach the provider (${err.message})`, 'ProviderConnectionError');
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status ?? 0;
    const code = err.code ?? undefined;
    const details = [{ status, code, type: err.type, param: err.param, requestId: err.requestID }];
    if (status === 403 && code === 'training_not_available') {
      return ApplicationFailure.create({
        message: `${what}: the provider no longer accepts fine-tuning jobs for this account (403 training_not_available): ${err.message}`,
        type: 'TrainingNotAvailable',
        nonRetryable: true,
        details,
      });
    }
    const message = `${what}: provider answered ${status}${code ? ` ${code}` : ''}: ${providerMessage(err)}`;
    if (PERMANENT.has(status)) {
      return ApplicationFailure.create({ message, type: `Provider${status}`, nonRetryable: true, details });
    }
    return ApplicationFailure.create({
      message,
      type: `Provider${status || 'Error'}`,
      nonRetryable: false,
      details,
      nextRetryDelay: retryAfterMs(err.headers),
    });
  }
  return err;
}

function providerMessage(err: InstanceType<typeof OpenAI.APIError>): string {
  const body = err.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : err.message;
}

/** `retry-after-ms` (OpenAI's) wins over `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return Math.ceil(ms);
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const secs = Number(raw);
  if (Number.isFinite(secs) && secs >= 0) return Math.ceil(secs * 1000);
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Runs a provider call and rethrows its error in Temporal's terms. */
export async function callProvider<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toTemporalFailure(err, what);
  }
}
