/**
 * An acknowledged row survives kill -9. "Acknowledged" means its batch's transaction committed to the capture
 * store's WAL (synchronous = FULL): the gateway child prints `ack <id>` only after that. The test keeps traffic
 * flowing, kills the child with SIGKILL once 300 rows are acknowledged (more batches in flight), then reads the
 * store: every acknowledged row is there and whole, and the database is intact.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { CaptureStore } from '../../stores/capture/captureStore';
import { SqliteRegistryBackend } from '../../stores/registry/registryBackend';
import { Registry } from '../../stores/registry/registryDb';
import { ask, moveAlias, register } from '../gateway/support/gatewayHarness';
import { startTestBackend, testClient, type TestBackend } from '../localBackend/support/backend';

const ACKED = 300;
let backend: TestBackend;
let dir: string;

beforeAll(async () => {
  backend = await startTestBackend({ rateLimit: { rpm: 1_000_000, tpm: 1_000_000_000 } });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-capture-kill-'));
  const registry = new SqliteRegistryBackend(new Registry(path.join(dir, 'registry.db')));
  await register(registry, 'gpt-4o-mini');
  await moveAlias(registry, 'prod', 'gpt-4o-mini');
  await registry.close();
});
afterAll(async () => {
  await backend.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test(`kill -9 after ${ACKED} acknowledged rows loses none of them`, async () => {
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', path.join(__dirname, 'support', 'captureGatewayChild.ts')], {
    env: {
      ...process.env,
      BACKEND_URL: backend.server.baseURL,
      REGISTRY_DB: path.join(dir, 'registry.db'),
      CAPTURE_DB: path.join(dir, 'capture.db'),
      STORE_DIR: path.join(dir, 'gateway'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  const lines = readline.createInterface({ input: child.stdout! });
  const acked = new Set<string>();
  let killed = false;
  const enough = new Promise<void>((resolve) => {
    lines.on('line', (line) => {
      if (!line.startsWith('ack ') || killed) return;
      acked.add(line.slice(4));
      if (acked.size >= ACKED) {
        // Killed in the same tick the last ack was read: later batches are still being written or queued.
        killed = child.kill('SIGKILL');
        resolve();
      }
    });
  });
  const url = await new Promise<string>((resolve) => lines.once('line', resolve));
  const client = testClient(`${url}/v1`);
  const answered: string[] = [];
  const sender = async () => {
    while (!killed) {
      try {
        answered.push((await client.chat.completions.create(ask('tickets@prod'))).id);
      } catch {
        return; // the gateway is gone
      }
    }
  };
  await Promise.all([enough, ...Array.from({ length: 16 }, sender)]);
  expect(await exited).toBe('SIGKILL');

  const store = new CaptureStore(path.join(dir, 'capture.db'));
  try {
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = new Map(store.list().map((r) => [r.responseId, r]));
    const lost = [...acked].filter((id) => !rows.has(id));
    expect(lost).toEqual([]);
    for (const id of acked) {
      const row = rows.get(id)!;
      expect(row.answer).toBe('refund_request');
      expect(JSON.parse(row.requestJson!)).toMatchObject({ model: 'gpt-4o-mini' });
    }
    expect(acked.size).toBeGreaterThanOrEqual(ACKED);
    expect(rows.size).toBeGreaterThanOrEqual(acked.size);
    expect(answered.length).toBeGreaterThanOrEqual(acked.size);
  } finally {
    store.close();
  }
}, 60_000);
