import { Context } from '@temporalio/activity';

/** The SDK client's own ceiling for one request (providers/openai/client.ts). */
export const CLIENT_TIMEOUT_MS = 60_000;

/** Request options that bind one provider request to the activity attempt it runs in. */
export interface AttemptRequestOptions {
  /** Aborts the request when the attempt is cancelled or times out (the worker's cancellation signal). */
  signal?: AbortSignal;
  /** Milliseconds: never past the attempt's start-to-close deadline, less a margin to report the failure. */
  timeout?: number;
}

/**
 * Options for a provider request made inside an activity: the attempt's cancellation signal, and a timeout that
 * ends the request before the attempt's start-to-close deadline (the spec's `timeouts:` entry for the activity).
 * A request still running when Temporal starts the next attempt could finish after it and create a second job;
 * these options make sure the worker has given up on it first. Outside an activity: no options.
 */
export function attemptRequestOptions(now = Date.now()): AttemptRequestOptions {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return {};
  }
  const { startToCloseTimeoutMs, currentAttemptScheduledTimestampMs } = ctx.info;
  const timeout = requestTimeoutMs(startToCloseTimeoutMs, currentAttemptScheduledTimestampMs, now);
  return { signal: ctx.cancellationSignal, timeout };
}

/**
 * The time one request may take: what is left of the attempt (counted from when it was scheduled, which is never
 * later than its start) less a margin of a fifth of the attempt, at most a second, capped at the client's ceiling.
 */
export function requestTimeoutMs(startToCloseMs: number, attemptScheduledAtMs: number, now: number): number {
  if (!(startToCloseMs > 0)) return CLIENT_TIMEOUT_MS;
  const margin = Math.min(1_000, startToCloseMs / 5);
  const left = attemptScheduledAtMs + startToCloseMs - margin - now;
  return Math.max(1, Math.min(CLIENT_TIMEOUT_MS, Math.floor(left)));
}
