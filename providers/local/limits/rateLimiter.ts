/**
 * Requests-per-minute and tokens-per-minute limits as OpenAI applies them: two token buckets that
 * refill continuously, `x-ratelimit-*` headers on every response, and a 429 with `retry-after` /
 * `retry-after-ms` (the time until the bucket holds enough again) when a request does not fit.
 * Unconfigured limits are effectively unlimited (1M RPM, 1B TPM) but still reported in the headers.
 */
import { ApiError } from '../http/apiError';

export interface RateLimits {
  rpm?: number;
  tpm?: number;
}

export const UNLIMITED_RPM = 1_000_000;
export const UNLIMITED_TPM = 1_000_000_000;

class Bucket {
  level: number;
  private last: number;
  constructor(
    readonly capacity: number,
    now: number,
  ) {
    this.level = capacity;
    this.last = now;
  }
  refill(now: number): void {
    const perMs = this.capacity / 60_000;
    this.level = Math.min(this.capacity, this.level + (now - this.last) * perMs);
    this.last = now;
  }
  /** Milliseconds until the bucket holds `amount`. */
  waitFor(amount: number): number {
    return Math.max(0, ((amount - this.level) * 60_000) / this.capacity);
  }
  /** Milliseconds until the bucket is full again (what `x-ratelimit-reset-*` reports). */
  untilFull(): number {
    return ((this.capacity - this.level) * 60_000) / this.capacity;
  }
}

/** Go-style duration as OpenAI prints it: `12ms`, `1s`, `1.5s`, `6m0s`. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number(s.toFixed(3))}s`;
  const m = Math.floor(s / 60);
  return `${m}m${Number((s - m * 60).toFixed(3))}s`;
}

export class RateLimiter {
  private requests!: Bucket;
  private tokens!: Bucket;

  constructor(limits: RateLimits = {}) {
    this.configure(limits);
  }

  configure(limits: RateLimits): void {
    const now = Date.now();
    this.requests = new Bucket(limits.rpm && limits.rpm > 0 ? limits.rpm : UNLIMITED_RPM, now);
    this.tokens = new Bucket(limits.tpm && limits.tpm > 0 ? limits.tpm : UNLIMITED_TPM, now);
  }

  get limits(): { rpm: number; tpm: number } {
    return { rpm: this.requests.capacity, tpm: this.tokens.capacity };
  }

  headers(): Record<string, string> {
    const now = Date.now();
    this.requests.refill(now);
    this.tokens.refill(now);
    return {
      'x-ratelimit-limit-requests': String(this.requests.capacity),
      'x-ratelimit-limit-tokens': String(this.tokens.capacity),
      'x-ratelimit-remaining-requests': String(Math.floor(this.requests.level)),
      'x-ratelimit-remaining-tokens': String(Math.floor(this.tokens.level)),
      'x-ratelimit-reset-requests': goDuration(this.requests.untilFull()),
      'x-ratelimit-reset-tokens': goDuration(this.tokens.untilFull()),
    };
  }

  /** Takes one request and `tokens` tokens, or throws the 429 OpenAI would send. */
  take(model: string, tokens: number): void {
    const now = Date.now();
    this.requests.refill(now);
    this.tokens.refill(now);
    if (tokens > this.tokens.capacity) {
      throw this.error(
        'tokens',
        `Request too large for ${model} in organization org-tailorlocal on tokens per min (TPM): Limit ` +
          `${this.tokens.capacity}, Requested ${tokens}. The input or output tokens must be reduced in order ` +
          `to run successfully.`,
        // Retrying can never succeed, so say so (the SDK honours x-should-retry).
        0,
        false,
      );
    }
    if (this.requests.level < 1) {
      const wait = this.requests.waitFor(1);
      throw this.error(
        'requests',
        `Rate limit reached for ${model} in organization org-tailorlocal on requests per min (RPM): Limit ` +
          `${this.requests.capacity}, Used ${this.requests.capacity - Math.floor(this.requests.level)}, ` +
          `Requested 1. Please try again in ${goDuration(wait)}.`,
        wait,
      );
    }
    if (this.tokens.level < tokens) {
      const wait = this.tokens.waitFor(tokens);
      throw this.error(
        'tokens',
        `Rate limit reached for ${model} in organization org-tailorlocal on tokens per min (TPM): Limit ` +
          `${this.tokens.capacity}, Used ${this.tokens.capacity - Math.floor(this.tokens.level)}, Requested ` +
          `${tokens}. Please try again in ${goDuration(wait)}.`,
        wait,
      );
    }
    this.requests.level -= 1;
    this.tokens.level -= tokens;
  }

  private error(type: 'requests' | 'tokens', message: string, waitMs: number, retry = true): ApiError {
    const headers: Record<string, string> = {
      ...this.headers(),
      'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))),
      'retry-after-ms': String(Math.max(1, Math.ceil(waitMs))),
    };
    if (!retry) headers['x-should-retry'] = 'false';
    return new ApiError(429, message, type, null, 'rate_limit_exceeded', headers);
  }
}
