import { captureRow, inSample, responseIdOf, type CaptureInput, type CaptureRow } from '../../core/capture/captureRow';
import type { CaptureSettings } from '../../core/capture/captureSettings';
import { SqliteCaptureBackend, type CaptureBackend } from './captureBackend';
import { CaptureStore } from './captureStore';

export interface CaptureWriterOptions {
  /** How long an exchange may wait in the queue before its batch is written. @default 25 */
  batchMs?: number;
  /** Writing starts as soon as the queue holds this many; the most one `flush` transaction holds. @default 512 */
  maxBatch?: number;
  /** Exchanges held at most; past this, new ones are dropped and counted (the gateway never waits on disk). */
  maxQueue?: number;
  /** Called with the response IDs of each committed batch: those rows are acknowledged. */
  onCommit?: (responseIds: string[]) => void;
  /** How often rows past their retention are purged. @default 1 hour */
  purgeEveryMs?: number;
}

/** The timer writes the queue in slices this small (rows, and milliseconds of scrubbing), yielding in between. */
const SLICE_ROWS = 32;
const SLICE_MS = 2;

interface Pending {
  input: CaptureInput;
  settings: CaptureSettings;
  at: number;
}

/**
 * Takes exchanges off the gateway's response path: `offer` only queues (no scrubbing, no I/O); a timer turns the
 * queue into scrubbed rows and writes them, a small slice per transaction, yielding to the event loop in between. A
 * row is acknowledged when its transaction has committed (./captureBackend.ts: the SQLite file or PostgreSQL), and
 * `acknowledged` counts them.
 */
export class CaptureWriter {
  acknowledged = 0;
  dropped = 0;
  failed = 0;
  readonly store: CaptureBackend;
  private queue: Pending[] = [];
  private readonly writing = new Set<Promise<void>>();
  private purging: Promise<number> = Promise.resolve(0);
  private timer: NodeJS.Timeout | undefined;
  private draining = false;
  private readonly purger: NodeJS.Timeout;
  private readonly batchMs: number;
  private readonly maxBatch: number;
  private readonly maxQueue: number;

  constructor(
    store: CaptureBackend | CaptureStore,
    private readonly opts: CaptureWriterOptions = {},
  ) {
    this.store = store instanceof CaptureStore ? new SqliteCaptureBackend(store) : store;
    this.batchMs = opts.batchMs ?? 25;
    this.maxBatch = opts.maxBatch ?? 512;
    this.maxQueue = opts.maxQueue ?? 100_000;
    void this.purge();
    this.purger = setInterval(() => this.purge(), opts.purgeEveryMs ?? 3_600_000);
    this.purger.unref();
  }

  offer(input: CaptureInput, settings: CaptureSettings): void {
    // Out of the sample (one hash): not even queued.
    const id = responseIdOf(input.response);
    if (!id || !inSample(id, settings.sampleRate)) return;
    if (this.queue.length >= this.maxQueue) {
      this.dropped++;
      return;
    }
    this.queue.push({ input, settings, at: Date.now() });
    if (this.queue.length >= this.maxBatch) this.schedule(0);
    else this.schedule(this.batchMs);
  }

  /**
   * Writes everything queued now (before a feedback lookup, and on close) and resolves once it, and every batch
   * still being written, has committed or failed. The writes start before this returns (SQLite: they are done).
   */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length) this.writeNext(this.maxBatch, Infinity);
    return Promise.all([...this.writing]).then(() => undefined);
  }

  /**
   * The timer's work: the queue in slices of at most SLICE_ROWS exchanges or SLICE_MS of scrubbing, each slice its
   * own transaction, with the event loop free between slices, so a backlog never holds up the gateway's responses.
   */
  private async drain(): Promise<void> {
    this.timer = undefined;
    if (this.draining) return; // the running drain takes what was queued since
    this.draining = true;
    try {
      while (this.queue.length) {
        this.writeNext(Math.min(SLICE_ROWS, this.maxBatch), SLICE_MS);
        if (this.queue.length) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.draining = false;
    }
  }

  /** Scrubs up to `max` queued exchanges (fewer once `ms` have gone by) and starts writing their rows as one batch. */
  private writeNext(max: number, ms: number): void {
    const start = performance.now();
    const rows: CaptureRow[] = [];
    let taken = 0;
    try {
      while (taken < max && taken < this.queue.length) {
        const p = this.queue[taken++]!;
        const row = captureRow(p.input, p.settings, p.at);
        if (row) rows.push(row);
        if (performance.now() - start >= ms) break;
      }
    } finally {
      this.queue.splice(0, taken);
    }
    if (!rows.length) return;
    const write = this.write(rows);
    this.writing.add(write);
    void write.finally(() => this.writing.delete(write));
  }

  purge(): Promise<number> {
    this.purging = this.store.purge().catch((err: unknown) => {
      console.error(`tailor gateway: capture purge failed: ${(err as Error).message}`);
      return 0;
    });
    return this.purging;
  }

  /** Stops the purge timer and writes what is queued; the store stays open (its owner closes it). */
  async close(): Promise<void> {
    clearInterval(this.purger);
    await Promise.all([this.flush(), this.purging]);
  }

  /** One batch: acknowledged once committed; a failed batch is counted and reported, never retried half-way. */
  private async write(rows: CaptureRow[]): Promise<void> {
    try {
      await this.store.insert(rows);
    } catch (err) {
      this.failed += rows.length;
      console.error(`tailor gateway: capture write of ${rows.length} rows failed: ${(err as Error).message}`);
      return;
    }
    this.acknowledged += rows.length;
    this.opts.onCommit?.(rows.map((r) => r.responseId));
  }

  private schedule(ms: number): void {
    if (this.timer && ms > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), ms);
  }
}
