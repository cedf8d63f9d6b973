/**
 * Feedback across hosts on real shared stores: a PostgreSQL registry and a moto S3 bucket, both on loopback. Each
 * "host" is a TAILOR_HOME of its own, empty: feedback posted to the feedback server on host A is exported on host B
 * (the export and the items it held go to the bucket), host C finds nothing new since B's export and prepares it
 * by its artifact URI. resolveModelAsync reads the PostgreSQL registry; a database that cannot be reached is a
 * classified failure naming no password (the server answers 503, the CLI prints one line).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { prepareDataset } from '../../activities/dataset/prepareDataset';
import { datasetFile } from '../../activities/datasetArtifact';
import { materializeFeedbackDataset } from '../../activities/feedback/materializeFeedbackDataset';
import { Failure } from '../../core/failures/failureTypes';
import { DatasetSpecSchema } from '../../core/spec/datasetSpec';
import { startFeedbackServer, type FeedbackServer } from '../../servers/feedback/feedbackServer';
import { s3ClientConfig } from '../../stores/artifacts/s3ArtifactStore';
import { openFeedbackStore, recordFeedbackAsync } from '../../stores/feedback/feedbackBackend';
import { recordFeedback } from '../../stores/feedback/feedbackStore';
import { closeProcessStores } from '../../stores/processStores';
import { openRegistry } from '../../stores/registry/registryBackend';
import { resolveModel, resolveModelAsync } from '../../stores/registry/resolveModel';
import { ticketFeedback } from '../feedback/ticketFeedback';
import { runCli } from '../support/runCli';
import { freePort } from './support/freePort';
import { startMoto, type MotoServer } from './support/motoServer';
import { startPostgres, type PostgresServer } from './support/postgresServer';

const BUCKET = 'tailor-feedback';
const VARS = [
  'TAILOR_HOME',
  'TAILOR_ARTIFACTS',
  'TAILOR_REGISTRY',
  'AWS_ENDPOINT_URL',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
] as const;
const saved: NodeJS.ProcessEnv = {};
let moto: MotoServer;
let pg: PostgresServer;
let registryUrl: string;
let tmp: string;
let pgStopped = false;

beforeAll(async () => {
  [moto, pg] = await Promise.all([startMoto(), startPostgres()]);
  registryUrl = await pg.createDatabase('feedback_hosts');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-feedback-hosts-'));
  for (const k of VARS) saved[k] = process.env[k];
  Object.assign(process.env, {
    TAILOR_ARTIFACTS: `s3://${BUCKET}/shared`,
    TAILOR_REGISTRY: registryUrl,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: moto.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.secretAccessKey,
  });
  await new S3Client(s3ClientConfig(process.env)).send(new CreateBucketCommand({ Bucket: BUCKET }));
}, 120_000);

afterAll(async () => {
  await closeProcessStores();
  for (const k of VARS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await Promise.all([moto?.stop(), pgStopped ? undefined : pg?.stop()]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** This process plays a host with a TAILOR_HOME of its own, empty. */
function onHost(name: string): string {
  const home = fs.mkdtempSync(path.join(tmp, `${name}-`));
  process.env.TAILOR_HOME = home;
  return home;
}

const post = (server: FeedbackServer, body: unknown) =>
  fetch(`${server.url}/v1/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

test('feedback posted on host A is exported on host B and prepared on host C; C sees nothing new', async () => {
  const homeA = onHost('host-a');
  const server = await startFeedbackServer({ port: 0 });
  const items = ticketFeedback(0, 12);
  try {
    for (const item of items) expect((await post(server, item)).status).toBe(201);
    expect((await post(server, items[0])).status).toBe(200); // a retry: stored once
  } finally {
    await server.close();
  }
  expect(fs.readdirSync(homeA)).toEqual([]); // nothing on A's disk: the feedback is in PostgreSQL

  const homeB = onHost('host-b');
  const b = await materializeFeedbackDataset({ format: 'dpo', baselineSha256: null });
  expect(b).toMatchObject({ path: `artifact:sha256:${b.sha256}`, count: items.length, newCount: items.length });

  const homeC = onHost('host-c');
  const c = await materializeFeedbackDataset({ format: 'dpo', baselineSha256: b.sha256 });
  expect(c).toEqual({ ...b, newCount: 0 });
  const prepared = await prepareDataset({
    dataset: DatasetSpecSchema.parse({ path: c.path, format: 'dpo' }),
    model: 'gpt-4o-mini',
    expectedSha256: c.sha256,
  });
  expect(prepared.sourceSha256).toBe(c.sha256);
  expect(prepared.counts.input).toBe(items.length);
  // C read the export through its own artifact store: a copy under C's home, none made on B's beyond its cache.
  expect((await datasetFile(c.path)).startsWith(homeC)).toBe(true);
  expect(fs.readdirSync(homeB).length).toBeGreaterThan(0); // B's own cache: C never looked there
}, 120_000);

test('resolveModelAsync reads the PostgreSQL registry; resolveModel says to use it', async () => {
  const registry = await openRegistry({ TAILOR_REGISTRY: registryUrl });
  try {
    await registry.registerModel({
      model: 'ft:tickets:pg',
      pipeline: 'tickets',
      provider: 'default',
      baseModel: 'gpt-4o-mini',
      jobId: null,
      trainSha256: null,
      specSha256: null,
      runId: 'test',
      evalReportUri: null,
      score: null,
      createdAt: Date.now(),
    });
    const move = { pipeline: 'tickets', alias: 'prod', toModel: 'ft:tickets:pg', who: 't', why: 't', runId: null };
    await registry.moveAlias(move);
  } finally {
    await registry.close();
  }
  expect(await resolveModelAsync('tickets@prod')).toBe('ft:tickets:pg');
  expect(await resolveModelAsync('tickets@prod', registryUrl)).toBe('ft:tickets:pg');
  await expect(resolveModelAsync('tickets@staging')).rejects.toThrow('tickets@staging names no model');
  expect(() => resolveModel('tickets@prod')).toThrow(/PostgreSQL.*resolveModelAsync\('tickets@prod'\)/);

  const wrong = registryUrl.replace(`:${pg.password}@`, ':not-the-password@');
  const denied = await resolveModelAsync('tickets@prod', wrong).catch((e: unknown) => e);
  expect(denied).toBeInstanceOf(ApplicationFailure);
  expect((denied as ApplicationFailure).type).toBe(Failure.RegistryAccessDenied);
  expect((denied as Error).message).not.toContain('not-the-password');

  const cli = await runCli(['resolve', 'tickets@prod'], { TAILOR_REGISTRY: registryUrl });
  expect({ code: cli.code, out: cli.stdout.trim() }).toEqual({ code: 0, out: 'ft:tickets:pg' });
}, 60_000);

test('recordFeedbackAsync writes to the PostgreSQL registry; recordFeedback says to use it', async () => {
  const [item] = ticketFeedback(60, 1, 'ft:tickets:lib');
  expect(await recordFeedbackAsync(item!)).toEqual({ id: item!.id, created: true });
  expect(await recordFeedbackAsync(item!, { registry: registryUrl })).toEqual({ id: item!.id, created: false });
  const store = await openFeedbackStore({ TAILOR_REGISTRY: registryUrl });
  try {
    expect((await store.list({ model: 'ft:tickets:lib' })).map((r) => r.id)).toEqual([item!.id]);
  } finally {
    await store.close();
  }
  expect(() => recordFeedback(item!)).toThrow(/PostgreSQL.*recordFeedbackAsync\(item\)/);
}, 60_000);

test('a database that cannot be reached: startup fails classified, the CLI prints one line, no password', async () => {
  onHost('host-d');
  const url = `postgres://tailor:s3cret-fb-pw@127.0.0.1:${await freePort()}/feedback`;
  const err = await startFeedbackServer({ port: 0, registryFile: url }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect((err as ApplicationFailure).type).toBe(Failure.RegistryUnavailable);
  expect((err as Error).message).not.toContain('s3cret-fb-pw');

  const cli = await runCli(['feedback-server', '--port', '0'], { TAILOR_REGISTRY: url });
  expect(cli.code).not.toBe(0);
  expect(cli.stderr).toMatch(/tailor feedback-server: feedback store: registry postgres:\/\/tailor@127\.0\.0\.1:\d+/);
  expect(cli.stderr).not.toContain('s3cret-fb-pw');
  expect(cli.stderr).not.toMatch(/\n\s+at /); // no stack trace

  const out = path.join(tmp, 'never.jsonl');
  const exported = await runCli(['feedback', 'export', '--format', 'dpo', '--out', out], { TAILOR_REGISTRY: url });
  expect(exported.code).toBe(1);
  expect(exported.stderr).toMatch(/tailor feedback: feedback store: registry postgres:\/\/tailor@127\.0\.0\.1:\d+/);
  expect(exported.stderr).not.toContain('s3cret-fb-pw');
  expect(exported.stderr).not.toMatch(/\n\s+at /);
  expect(fs.existsSync(out)).toBe(false);
}, 60_000);

// Last: it stops the PostgreSQL server.
test('the database going away under a running server: 503 registry_unavailable with Retry-After', async () => {
  onHost('host-e');
  const server = await startFeedbackServer({ port: 0 });
  try {
    const [item] = ticketFeedback(40, 1);
    expect((await post(server, item)).status).toBe(201);
    pgStopped = true;
    await pg.stop();
    const res = await post(server, { ...item, id: 'after-the-outage' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    const { error } = (await res.json()) as { error: { code: string; type: string; message: string } };
    expect(error).toMatchObject({ code: 'registry_unavailable', type: 'server_error' });
    expect(error.message).toContain('registry postgres://tailor@127.0.0.1');
    expect(error.message).not.toContain(pg.password);
  } finally {
    await server.close();
  }
}, 60_000);
