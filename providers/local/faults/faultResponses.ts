/**
 * The error responses injected faults answer with: OpenAI's bodies, status codes and retry headers
 * for each kind, so the SDK (and any client library) reacts exactly as it would to the real thing.
 */
import { ApiError } from '../http/apiError';
import { trainingNotAvailable } from '../routes/jobsRoutes';
import type { FaultKind } from './faultSpec';

export function faultError(
  fault: Extract<FaultKind, { kind: 'status' | 'quota' | 'training_not_available' }>,
): ApiError {
  if (fault.kind === 'training_not_available') return trainingNotAvailable();
  if (fault.kind === 'quota') {
    // OpenAI's quota 429 is not transient; x-should-retry stops the SDK's automatic retries.
    return new ApiError(
      429,
      'You exceeded your current quota, please check your plan and billing details.',
      'insufficient_quota',
      null,
      'insufficient_quota',
      {
        'x-should-retry': 'false',
      },
    );
  }
  return statusFault(fault.status, fault.retryAfterMs);
}

/** OpenAI's bodies for injected status faults (429 and 5xx carry their usual messages and retry hints). */
function statusFault(status: number, retryAfterMs?: number): ApiError {
  if (status === 429) {
    const ms = retryAfterMs ?? 1000;
    return new ApiError(
      429,
      `Rate limit reached for requests (injected fault). Please try again in ${ms}ms.`,
      'requests',
      null,
      'rate_limit_exceeded',
      {
        'retry-after': String(Math.max(1, Math.ceil(ms / 1000))),
        'retry-after-ms': String(ms),
      },
    );
  }
  if (status === 500)
    return new ApiError(
      500,
      'The server had an error while processing your request. Sorry about that!',
      'server_error',
    );
  if (status === 502) return new ApiError(502, 'Bad gateway.', 'server_error');
  if (status === 503)
    return new ApiError(
      503,
      'The engine is currently overloaded, please try again later.',
      'server_error',
      null,
      null,
      retryAfterMs ? { 'retry-after-ms': String(retryAfterMs) } : {},
    );
  if (status >= 500) return new ApiError(status, `The server had an error (injected ${status}).`, 'server_error');
  return new ApiError(status, `Injected fault: HTTP ${status}.`, 'invalid_request_error');
}
