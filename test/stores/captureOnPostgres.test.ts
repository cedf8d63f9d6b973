/**
 * The capture store on a real PostgreSQL (started on loopback for this file) behind the same contract as its SQLite
 * file; the gateway writing to it and taking ratings; a writer process killed with SIGKILL mid-stream losing no
 * acknowledged row; a `source: capture` dataset materialised from it on a host with an empty TAILOR_HOME; and a
 * database that cannot be reached failing as a classified failure that names no password.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { ApplicationFailure } from '@temporalio/common';
import { Client } from 'pg';
import { materializeCaptureDataset } from '../../activities/capture/materializeCaptureDataset';
import { datasetFile } from '../../activities/datasetArtifact';
import { captureRow } from '../../core/capture/captureRow';
import { CaptureSettingsSchema } from '../../core/capture/captureSettings';
import { Failure } from '../../core/failures/failureTypes';
import {
  openCaptureReader,
  openCaptureStore,
  SqliteCaptureBackend,
  type CaptureBackend,
} from '../../stores/capture/captureBackend';
import { UnknownResponseError } from '../../stores/capture/captureStore';
import { CaptureWriter } from '../../stores/capture/captureWriter';
import { PostgresCaptureStore } from '../../stores/registry/postgresCaptureStore';
import { ask, moveAlias, register, startHarness } from '../gateway/support/gatewayHarness';
import { runCli } from '../support/runCli';
import { freePort } from './support/freePort';
import { startPostgres, type PostgresServer } from './support/postgresServer';

let pg: PostgresServer;
let tmp: string;
let dbNo = 0;
const opened: CaptureBackend[] = [];
const settings = CaptureSettingsSchema.parse({ retentionDays: 30 });

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-capture-pg-'));
  pg = await startPostgres();
}, 120_000);

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
  await pg?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A fresh store of each kind: a SQLite file of its own, or a database of its own selected by TAILOR_REGISTRY. */
async function freshStore(kind: 'sqlite' | 'postgres'): Promise<{ store: CaptureBackend; env: NodeJS.ProcessEnv }> {
  const env: NodeJS.ProcessEnv =
    kind === 'sqlite'
      ? { TAILOR_CAPTURE_DB: path.join(fs.mkdtempSync(path.join(tmp, 'sqlite-')), 'capture.db') }
      : { TAILOR_REGISTRY: await pg.createDatabase(`capture_${++dbNo}`) };
  const store = await openCaptureStore(env);
  opened.push(store);
  return { store, env };
}

const exchange = (id: string, question: string, answer: string) => ({
  alias: 'tickets@prod',
  requestedModel: 'tickets@prod',
  model: 'gpt-4o-mini',
  variant: 'primary',
  stream: false,
  request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }] },
  response: {
    id,
    choices: [{ message: { role: 'assistant', content: answer } }],
    usage: { prompt_tokens: 10, completion_tokens: 2 },
  },
  latencyMs: 5,
});
const row = (id: string, at: number, answer = 'refund_request', alias = 'tickets@prod') => ({
  ...captureRow(exchange(id, `order ${id}: I want my money back`, answer), settings, at)!,
  alias,
});

describe.each(['sqlite', 'postgres'] as const)('capture store contract: %s', (kind) => {
  test('a response ID is stored once; ratings attach, replace; unknown IDs refused; purge takes ratings', async () => {
    const { store } = await freshStore(kind);
    expect(store).toBeInstanceOf(kind === 'sqlite' ? SqliteCaptureBackend : PostgresCaptureStore);
    await store.insert([row('r1', 1_000), row('r2', 2_000)]);
    await store.insert([row('r1', 9_000, 'other'), row('r3', 3_000)]);
    expect(await store.count()).toBe(3);
    const [first] = await store.list();
    expect(first).toMatchObject({ responseId: 'r1', at: 1_000, answer: 'refund_request', stream: false });
    expect(first!.expiresAt - first!.at).toBe(30 * 86_400_000);
    expect(first!.costUsd).toBeCloseTo((10 * 0.15 + 2 * 0.6) / 1e6, 12);

    await store.rate({ responseId: 'r1', rating: 'up' }, 5_000);
    await store.rate({ responseId: 'r1', rating: 2, correctedAnswer: 'bug_report', who: 'qa' }, 6_000);
    await expect(store.rate({ responseId: 'nope', rating: 5 })).rejects.toBeInstanceOf(UnknownResponseError);
    const rated = (await store.list()).find((r) => r.responseId === 'r1')!;
    expect(rated.feedback).toEqual({ rating: 2, correctedAnswer: 'bug_report', who: 'qa', at: 6_000 });

    // r1 and r2 expire 30 days after 1 000 and 2 000 ms; r3 a second later.
    expect(await store.purge(2_000 + 30 * 86_400_000)).toBe(2);
    expect((await store.list()).map((r) => [r.responseId, r.feedback])).toEqual([['r3', null]]);
    await expect(store.rate({ responseId: 'r1', rating: 5 })).rejects.toBeInstanceOf(UnknownResponseError);
  });

  test('lists oldest first with ties by response ID byte-wise, by alias and since; NUL-free text', async () => {
    const { store } = await freshStore(kind);
    await store.insert([row('b', 7_000), row('B', 7_000), row('a_1', 7_000), row('a-1', 7_000), row('z', 1_000)]);
    await store.insert([row('other', 8_000, 'x', 'tickets@canary'), row('nul', 9_000, 'a\u0000b')]);
    expect((await store.list({ alias: 'tickets@prod' })).map((r) => r.responseId)).toEqual([
      'z',
      'B',
      'a-1',
      'a_1',
      'b',
      'nul',
    ]);
    expect((await store.list({ since: 8_000 })).map((r) => r.responseId)).toEqual(['other', 'nul']);
    const nul = (await store.list({ since: 9_000 }))[0]!;
    expect(nul.answer).toBe(kind === 'sqlite' ? 'a\u0000b' : 'a\uFFFDb');
  });
});

test('the gateway writes captures to PostgreSQL and a rating sent right after its answer is stored', async () => {
  const { store } = await freshStore('postgres');
  // Batches wait a minute: the rating's own flush is what writes the row first.
  const writer = new CaptureWriter(store, { batchMs: 60_000 });
  const h = await startHarness({ aliases: { 'tickets@captured': { capture: {} } } }, { capture: writer });
  try {
    await register(h.registry, 'gpt-4o-mini');
    await moveAlias(h.registry, 'captured', 'gpt-4o-mini');
    const answer = await h.client.chat.completions.create(ask('tickets@captured'));
    expect(await store.count()).toBe(0);
    const rate = (responseId: string) =>
      fetch(`${h.gateway.url}/v1/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ responseId, rating: 'down', correctedAnswer: 'bug_report' }),
      });
    const ok = await rate(answer.id);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ responseId: answer.id, stored: true });
    const unknown = await rate('chatcmpl-never');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('unknown_response');
    const [stored] = await store.list();
    expect(stored).toMatchObject({ responseId: answer.id, alias: 'tickets@captured', answer: 'refund_request' });
    expect(stored!.feedback).toMatchObject({ rating: 'down', correctedAnswer: 'bug_report' });
    expect(writer.acknowledged).toBe(1);
  } finally {
    await h.close();
  }
}, 60_000);

test('kill -9 of a writer process mid-stream loses no acknowledged row; every stored row is whole', async () => {
  const registry = await pg.createDatabase('capture_kill');
  const env: NodeJS.ProcessEnv = { ...process.env, TAILOR_REGISTRY: registry };
  delete env.TAILOR_CAPTURE_DB;
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', path.join(__dirname, 'support', 'captureWriterChild.ts')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_c, signal) => resolve(signal)));
  const acked = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    child.once('exit', () => reject(new Error('the writer exited before it was killed')));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('ack ') || acked.size >= 500) return;
      acked.add(line.slice(4));
      // Killed in the tick the 500th ack was read: later batches are queued or being written.
      if (acked.size >= 500 && child.kill('SIGKILL')) resolve();
    });
  });
  expect(await exited).toBe('SIGKILL');

  const store = await openCaptureStore({ TAILOR_REGISTRY: registry });
  opened.push(store);
  const rows = new Map((await store.list()).map((r) => [r.responseId, r]));
  expect([...acked].filter((id) => !rows.has(id))).toEqual([]);
  for (const r of rows.values()) {
    expect(r.answer).toBe('shipping');
    expect(JSON.parse(r.requestJson!)).toMatchObject({ model: 'gpt-4o-mini' });
  }
  // Rows of batches that committed without their ack being read yet may be there too; never fewer.
  expect(rows.size).toBeGreaterThanOrEqual(acked.size);
}, 60_000);

test('a source: capture dataset is read from PostgreSQL on a host with an empty TAILOR_HOME', async () => {
  const { store, env } = await freshStore('postgres');
  const now = Date.now();
  await store.insert([row('h1', now - 1_000), row('h2', now - 500, 'bug_report'), row('h3', now - 100, 'other')]);
  await store.rate({ responseId: 'h2', rating: 'down', correctedAnswer: 'refund_request' });

  const home = fs.mkdtempSync(path.join(tmp, 'host-b-'));
  const saved = { home: process.env.TAILOR_HOME, registry: process.env.TAILOR_REGISTRY };
  Object.assign(process.env, { TAILOR_HOME: home, TAILOR_REGISTRY: env.TAILOR_REGISTRY });
  try {
    expect(await openCaptureReader({ TAILOR_HOME: home })).toBeNull(); // no SQLite file there: nothing to read
    const data = await materializeCaptureDataset({ alias: 'tickets@prod', format: 'dpo' });
    expect(data).toMatchObject({ count: 1, rows: 3, path: `artifact:sha256:${data.sha256}` });
    expect(fs.existsSync(path.join(home, 'capture.db'))).toBe(false);
    const text = fs.readFileSync(await datasetFile(data.path), 'utf8');
    expect(JSON.parse(text)).toMatchObject({ preferred_output: [{ role: 'assistant', content: 'refund_request' }] });
  } finally {
    for (const [k, v] of [
      ['TAILOR_HOME', saved.home],
      ['TAILOR_REGISTRY', saved.registry],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test('an unreachable database is RegistryUnavailable, naming no password; the writer never throws', async () => {
  const port = await freePort();
  const url = `postgres://tailor:s3cret-capture-pw@127.0.0.1:${port}/nowhere`;
  const err = await openCaptureStore({ TAILOR_REGISTRY: url }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect((err as ApplicationFailure).type).toBe(Failure.RegistryUnavailable);
  expect((err as Error).message).toContain(`127.0.0.1:${port}`);
  expect((err as Error).message).not.toContain('s3cret-capture-pw');
  const out = path.join(tmp, 'never.jsonl');
  const args = ['capture', 'export', '--alias', 'tickets@prod', '--format', 'sft', '--out', out];
  const cli = await runCli(args, { TAILOR_REGISTRY: url, TAILOR_CAPTURE_DB: '' });
  expect(cli.code).toBe(1);
  expect(cli.stderr).toMatch(/tailor capture: capture store: registry postgres:\/\/tailor@127\.0\.0\.1:\d+\/nowhere/);
  expect(cli.stderr).not.toContain('s3cret-capture-pw');
  expect(cli.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(fs.existsSync(out)).toBe(false);

  // A store whose database disappears under it: batches are counted as failed, nothing is acknowledged.
  const { store, env } = await freshStore('postgres');
  const name = new URL(env.TAILOR_REGISTRY!).pathname.slice(1);
  const admin = new Client({ connectionString: pg.url });
  await admin.connect();
  await admin.query(`DROP DATABASE ${admin.escapeIdentifier(name)} WITH (FORCE)`);
  await admin.end();
  const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    const writer = new CaptureWriter(store, { batchMs: 60_000 });
    writer.offer(exchange('gone-1', 'where is my parcel?', 'shipping'), settings);
    await writer.close();
    expect({ acknowledged: writer.acknowledged, failed: writer.failed }).toEqual({ acknowledged: 0, failed: 1 });
    expect(errors.mock.calls.flat().join('\n')).not.toContain(pg.password);
  } finally {
    errors.mockRestore();
  }
});
