/**
 * Keeps one worker process under the provider's request rate, so a big eval runs at the limit instead of
 * bouncing off it. The limit is learnt from the `x-ratelimit-limit-requests` header OpenAI (and the local backend)
 * send on every response; requests are then spent from a local bucket that refills at that rate, exactly as the
 * provider's does. A 429 still happens (another client spends the same quota): the pacer then holds every request
 * for the `retry-after` the provider gave, and the shard fails retryably so Temporal owns the retry (see
 * docs/architecture.md, Temporal owns retries). Several workers each pace themselves to the full limit; across
 * machines the provider task queue's `maxTaskQueueActivitiesPerSecond` stays the cluster-wide ceiling.
 */
export class RequestPacer {
  private rpm: number | undefined;
  private level = 0;
  private last = Date.now();
  private blockedUntil = 0;
  private chain: Promise<void> = Promise.resolve();

  /** Learns the limit from a response's headers (the first response also sets the starting level). */
  observe(headers: Headers | undefined): void {
    const limit = Number(headers?.get('x-ratelimit-limit-requests'));
    if (!Number.isFinite(limit) || limit <= 0) return;
    if (this.rpm === undefined) {
      const remaining = Number(headers?.get('x-ratelimit-remaining-requests'));
      this.level = Number.isFinite(remaining) ? remaining : limit;
      this.last = Date.now();
    }
    this.rpm = limit;
  }

  /** After a 429: nothing leaves this process until the provider's wait is over, and the bucket is empty. */
  backOff(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, Date.now() + ms);
    this.level = 0;
    this.last = Date.now();
  }

  /** Waits for a request slot; callers are served in order. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.chain.then(() => this.take(signal));
    this.chain = turn.catch(() => undefined);
    return turn;
  }

  private async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      const now = Date.now();
      if (this.blockedUntil > now) {
        await sleep(this.blockedUntil - now);
        continue;
      }
      if (this.rpm === undefined) return; // nothing learnt yet: the first answers will teach the limit
      this.level = Math.min(this.rpm, this.level + ((now - this.last) * this.rpm) / 60_000);
      this.last = now;
      if (this.level >= 1) {
        this.level -= 1;
        return;
      }
      await sleep(Math.max(1, ((1 - this.level) * 60_000) / this.rpm));
    }
  }
}

const pacers = new Map<string, RequestPacer>();

/** One pacer per (endpoint, model) in this process: providers limit each model separately. */
export function pacerFor(endpoint: string, model: string): RequestPacer {
  const key = `${endpoint}\u0000${model}`;
  let p = pacers.get(key);
  if (!p) pacers.set(key, (p = new RequestPacer()));
  return p;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
