/**
 * The capture writer keeps the event loop free: its timer scrubs and writes a backlog in small slices, one
 * transaction each, and lets other callbacks (the gateway's responses) run between slices, instead of scrubbing
 * hundreds of rows in one go. An explicit `flush` (a feedback lookup, shutdown) still writes everything queued before
 * it returns. Real SQLite capture store in a temporary directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CaptureInput, CaptureRow } from '../../core/capture/captureRow';
import { CaptureSettingsSchema } from '../../core/capture/captureSettings';
import { SqliteCaptureBackend } from '../../stores/capture/captureBackend';
import { CaptureStore } from '../../stores/capture/captureStore';
import { CaptureWriter } from '../../stores/capture/captureWriter';

/** Records each batch's size, and whether another event-loop callback ran since the previous batch. */
class RecordingBackend extends SqliteCaptureBackend {
  readonly batches: number[] = [];
  readonly loopTurnedBefore: boolean[] = [];
  private turned = true;

  override async insert(rows: readonly CaptureRow[]): Promise<void> {
    this.batches.push(rows.length);
    this.loopTurnedBefore.push(this.turned);
    this.turned = false;
    setImmediate(() => (this.turned = true));
    await super.insert(rows);
  }
}

const settings = CaptureSettingsSchema.parse({});
const exchange = (i: number): CaptureInput => ({
  alias: 'tickets@prod',
  requestedModel: 'tickets@prod',
  model: 'gpt-4o-mini',
  variant: 'prod',
  stream: false,
  request: {
    model: 'tickets@prod',
    messages: [
      { role: 'system', content: 'Classify the ticket.' },
      { role: 'user', content: `Ticket ${i}: write to jane${i}@example.com about my refund.` },
    ],
  },
  response: {
    id: `chatcmpl-${i}`,
    object: 'chat.completion',
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'refund_request' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 20, completion_tokens: 1, total_tokens: 21 },
  },
  latencyMs: 3,
});

let dir: string;
let store: CaptureStore;
let backend: RecordingBackend;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-capture-slices-'));
  store = new CaptureStore(path.join(dir, 'capture.db'));
  backend = new RecordingBackend(store);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A writer and a promise that resolves once `n` rows are acknowledged. */
function writerUntil(n: number): { writer: CaptureWriter; acknowledged: Promise<void> } {
  let resolve!: () => void;
  const acknowledged = new Promise<void>((r) => (resolve = r));
  const writer = new CaptureWriter(backend, {
    batchMs: 1,
    onCommit: () => {
      if (writer.acknowledged >= n) resolve();
    },
  });
  return { writer, acknowledged };
}

test('a backlog is written in slices of at most 32 rows, with the event loop turning between slices', async () => {
  const { writer, acknowledged } = writerUntil(1000);
  // More than the default maxBatch (512): the old writer scrubbed and wrote 512 rows in one go.
  for (let i = 0; i < 1000; i++) writer.offer(exchange(i), settings);
  // offer only queues.
  expect(backend.batches).toEqual([]);
  await acknowledged;
  await writer.close();

  expect(backend.batches.reduce((a, b) => a + b, 0)).toBe(1000);
  expect(Math.max(...backend.batches)).toBeLessThanOrEqual(32);
  expect(backend.loopTurnedBefore.every(Boolean)).toBe(true);
  expect(store.count()).toBe(1000);
  const stored = store.list();
  expect(stored.every((r) => r.requestJson?.includes('[EMAIL]'))).toBe(true);
  expect(stored.some((r) => /jane\d+@example\.com/.test(r.requestJson ?? ''))).toBe(false);
});

test('flush mid-drain writes the rest at once, each exchange exactly once', async () => {
  const { writer } = writerUntil(Infinity);
  for (let i = 0; i < 1000; i++) writer.offer(exchange(i), settings);
  const firstSlice = new Promise<void>((resolve) => {
    const wait = () => (backend.batches.length ? resolve() : setImmediate(wait));
    wait();
  });
  await firstSlice;
  expect(store.count()).toBeLessThan(1000);
  // SQLite: everything queued is written by the time flush returns, before its promise settles.
  const flushed = writer.flush();
  expect(store.count()).toBe(1000);
  await flushed;
  await writer.close();
  expect(backend.batches.reduce((a, b) => a + b, 0)).toBe(1000);
  expect(writer.acknowledged).toBe(1000);
});
