import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';
import { attemptRequestOptions, type AttemptRequestOptions } from './attemptOptions';
import { Failure, providerFailureType } from '../../core/failures/failureTypes';

/**
 * 4xx statuses a retry can fix: a request timeout, a conflict with a change in flight, "too early", and a rate limit
 * (unless it is the account's quota). Every other 4xx says the request, the key or the account is wrong (400, 401,
 * 403, 404, 405, 410, 413 too large, 415, 422, ...): retrying the same request only repeats the answer.
 */
const TRANSIENT_4XX = new Set([408, 409, 425, 429]);

/** OpenAI's codes for a 429 that waiting does not cure: the account is out of credit or over its hard limit. */
const QUOTA_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active']);

/** Does this answer fail the same way however often it is retried? */
export function isPermanent(status: number, code: string | undefined, type: string | undefined): boolean {
  if (status === 429) return QUOTA_CODES.has(code ?? '') || QUOTA_CODES.has(type ?? '');
  return status >= 400 && status < 500 && !TRANSIENT_4XX.has(status);
}

/**
 * Maps a provider error to the failure Temporal should see (see docs/architecture.md, Temporal owns retries):
 * permanent errors become
 * non-retryable `ApplicationFailure`s typed `Provider<Status>` carrying the provider's message and code (a 429 for the
 * account's quota is `ProviderQuotaExceeded`); 408/409/425/429/5xx and connection errors stay retryable, honouring
 * `retry-after-ms` / `retry-after`.
 */
export function toTemporalFailure(err: unknown, what: string): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof OpenAI.APIUserAbortError) return err; // cancellation: let Temporal see it as such
  if (err instanceof OpenAI.APIConnectionError) {
    return ApplicationFailure.retryable(
      `${what}: cannot reach the provider (${err.message})`,
      Failure.ProviderConnectionError,
    );
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status ?? 0;
    const code = err.code ?? undefined;
    const details = [{ status, code, type: err.type, param: err.param, requestId: err.requestID }];
    if (status === 403 && code === 'training_not_available') {
      return ApplicationFailure.create({
        message:
          `${what}: the provider no longer accepts fine-tuning jobs for this account (403 ` +
          `training_not_available): ${err.message}`,
        type: Failure.TrainingNotAvailable,
        nonRetryable: true,
        details,
      });
    }
    const message = `${what}: provider answered ${status}${code ? ` ${code}` : ''}: ${providerMessage(err)}`;
    if (isPermanent(status, code, err.type)) {
      const type = status === 429 ? Failure.ProviderQuotaExceeded : providerFailureType(status);
      return ApplicationFailure.create({ message, type, nonRetryable: true, details });
    }
    return ApplicationFailure.create({
      message,
      type: providerFailureType(status),
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

/**
 * Runs a provider call and rethrows its error in Temporal's terms. `fn` receives the request options that tie the
 * request to the current activity attempt (abort on cancellation, a timeout inside the attempt's): pass them on.
 */
export async function callProvider<T>(what: string, fn: (opts: AttemptRequestOptions) => Promise<T>): Promise<T> {
  try {
    return await fn(attemptRequestOptions());
  } catch (err) {
    throw toTemporalFailure(err, what);
  }
}
