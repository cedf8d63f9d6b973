import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import pg from 'pg';
import { PostgresRegistry } from '../../stores/registry/postgresRegistry';
import { migrate, REGISTRY_MIGRATIONS } from '../../stores/registry/postgresMigrations';
import { openRegistry, SqliteRegistryBackend, type RegistryBackend } from '../../stores/registry/registryBackend';
import { Registry, type ModelRecord } from '../../stores/registry/registryDb';
import { freePort } from './support/freePort';
import { startPostgres, type PostgresServer } from './support/postgresServer';

// One contract, two backends: SQLite (the default) and a real PostgreSQL started for this file.
let server: PostgresServer;
let tmp: string;
let dbNo = 0;
const opened: RegistryBackend[] = [];

async function freshPostgresUrl(): Promise<string> {
  return server.createDatabase(`registry_${++dbNo}`);
}

/** `n` handles on one fresh registry: separate connections (PostgreSQL) or separate SQLite connections. */
async function openMany(kind: 'sqlite' | 'postgres', n: number): Promise<RegistryBackend[]> {
  const handles: RegistryBackend[] = [];
  if (kind === 'sqlite') {
    const file = path.join(fs.mkdtempSync(path.join(tmp, 'sqlite-')), 'registry.db');
    for (let i = 0; i < n; i++) handles.push(await openRegistry({ TAILOR_REGISTRY: file }));
  } else {
    const url = await freshPostgresUrl();
    for (let i = 0; i < n; i++) handles.push(await openRegistry({ TAILOR_REGISTRY: url }));
  }
  opened.push(...handles);
  return handles;
}

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

const model = (name: string, extra: Partial<ModelRecord> = {}): ModelRecord => ({
  model: name,
  pipeline: 'tickets',
  provider: 'local',
  baseModel: 'base-1',
  jobId: `job-${name}`,
  trainSha256: 'a'.repeat(64),
  specSha256: null,
  runId: `run-${name}`,
  evalReportUri: null,
  score: 0.5,
  createdAt: 1_700_000_000_000 + name.length,
  ...extra,
});

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-registry-stores-'));
  server = await startPostgres();
}, 120_000);

afterAll(async () => {
  await Promise.all(opened.map((r) => r.close().catch(() => undefined)));
  await server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe.each(['sqlite', 'postgres'] as const)('registry contract: %s', (kind) => {
  test('models with their lineage; re-registering updates the evaluation and keeps the details', async () => {
    const [reg] = await openMany(kind, 1);
    const details = { method: 'lora', adapterSha256: 'b'.repeat(64), hyperparameters: { epochs: 2 } };
    await reg!.registerModel(model('m1', { details }));
    await reg!.registerModel(model('m2', { pipeline: 'other', score: null, jobId: null }));
    await reg!.registerModel(model('m1', { evalReportUri: 'artifact:sha256:' + 'c'.repeat(64), score: 0.9 }));
    expect(await reg!.getModel('m1')).toEqual(
      model('m1', { evalReportUri: 'artifact:sha256:' + 'c'.repeat(64), score: 0.9, details }),
    );
    expect(await reg!.getModel('m2')).toEqual(model('m2', { pipeline: 'other', score: null, jobId: null }));
    expect(await reg!.getModel('m2')).not.toHaveProperty('details');
    expect(await reg!.getModel('nope')).toBeUndefined();
    expect((await reg!.listModels()).map((m) => m.model)).toEqual(['m1', 'm2']);
    expect((await reg!.listModels('other')).map((m) => m.model)).toEqual(['m2']);
  });

  test('alias moves: history, rollback target, idempotent per run, removal, approvals', async () => {
    const [reg] = await openMany(kind, 1);
    const move = (toModel: string | null, runId: string | null, at: number) =>
      reg!.moveAlias({ pipeline: 'tickets', alias: 'prod', toModel, who: 'ci', why: `to ${toModel}`, runId, at });
    expect(await move('m1', 'run-1', 1)).toEqual({ previous: null, changed: true });
    expect(await move('m2', 'run-2', 2)).toEqual({ previous: 'm1', changed: true });
    expect(await move('m2', 'run-2', 3)).toEqual({ previous: 'm1', changed: false }); // a retried activity
    expect(await reg!.resolveAlias('tickets', 'prod')).toBe('m2');
    expect(await reg!.previousModel('tickets', 'prod')).toBe('m1');
    expect(await move('m1', 'run-2#rollback', 4)).toEqual({ previous: 'm2', changed: true });
    await reg!.moveAlias({
      pipeline: 'tickets',
      alias: 'canary',
      toModel: 'm2',
      who: 'ci',
      why: 'c',
      runId: null,
      at: 5,
    });
    expect((await reg!.historyOfRun('run-2')).map((c) => [c.fromModel, c.toModel, c.runId])).toEqual([
      ['m1', 'm2', 'run-2'],
      ['m2', 'm1', 'run-2#rollback'],
    ]);
    expect(await reg!.aliasHistory('tickets', 'prod')).toEqual([
      {
        pipeline: 'tickets',
        alias: 'prod',
        fromModel: null,
        toModel: 'm1',
        who: 'ci',
        why: 'to m1',
        runId: 'run-1',
        at: 1,
      },
      {
        pipeline: 'tickets',
        alias: 'prod',
        fromModel: 'm1',
        toModel: 'm2',
        who: 'ci',
        why: 'to m2',
        runId: 'run-2',
        at: 2,
      },
      {
        pipeline: 'tickets',
        alias: 'prod',
        fromModel: 'm2',
        toModel: 'm1',
        who: 'ci',
        why: 'to m1',
        runId: 'run-2#rollback',
        at: 4,
      },
    ]);
    expect(await reg!.aliasHistory('tickets')).toHaveLength(4);
    expect(await reg!.listAliases('tickets')).toEqual([
      { pipeline: 'tickets', alias: 'canary', model: 'm2', updatedAt: 5 },
      { pipeline: 'tickets', alias: 'prod', model: 'm1', updatedAt: 4 },
    ]);
    expect(await move(null, 'run-3', 6)).toEqual({ previous: 'm1', changed: true });
    expect(await reg!.resolveAlias('tickets', 'prod')).toBeUndefined();
    expect(await reg!.previousModel('tickets', 'prod')).toBeUndefined();
    await reg!.recordApproval({
      runId: 'run-2',
      pipeline: 'tickets',
      decision: 'approved',
      who: 'ana',
      why: 'ok',
      at: 7,
    });
    expect(await reg!.approvalsOfRun('run-2')).toEqual([{ decision: 'approved', who: 'ana', why: 'ok', at: 7 }]);
  });

  test('concurrent moves of one alias from four connections serialise: none lost, the history a chain', async () => {
    const handles = await openMany(kind, 4);
    const per = 25;
    await Promise.all(
      handles.map(async (reg, h) => {
        for (let i = 0; i < per; i++) {
          await reg.moveAlias({
            pipeline: 'race',
            alias: 'prod',
            toModel: `h${h}-${i}`,
            who: `h${h}`,
            why: 'race',
            runId: `h${h}-${i}`,
          });
        }
      }),
    );
    const moves = await handles[0]!.aliasHistory('race', 'prod');
    expect(moves).toHaveLength(4 * per);
    expect(moves[0]!.fromModel).toBeNull(); // exactly one move found the alias unset, even on the first race
    for (let i = 1; i < moves.length; i++) expect(moves[i]!.fromModel).toBe(moves[i - 1]!.toModel);
    expect(await handles[1]!.resolveAlias('race', 'prod')).toBe(moves[moves.length - 1]!.toModel);
  });
});

describe('PostgreSQL registry', () => {
  test('TAILOR_REGISTRY a path is SQLite; a postgres:// URL is PostgreSQL, shown without its password', async () => {
    const sqlite = await openRegistry({ TAILOR_REGISTRY: path.join(tmp, 'plain.db') });
    opened.push(sqlite);
    expect(sqlite).toBeInstanceOf(SqliteRegistryBackend);
    const url = await freshPostgresUrl();
    const reg = await openRegistry({ TAILOR_REGISTRY: url });
    opened.push(reg);
    expect(reg).toBeInstanceOf(PostgresRegistry);
    expect(reg.location).toBe(`postgres://tailor@127.0.0.1:${server.port}/registry_${dbNo}`);
    expect(reg.location).not.toContain(server.password);
  });

  test('migrations run once, even when several processes open a new database together', async () => {
    const url = await freshPostgresUrl();
    const handles = await Promise.all([1, 2, 3, 4].map(() => PostgresRegistry.open(url)));
    opened.push(...handles);
    const again = await PostgresRegistry.open(url);
    opened.push(again);
    const { rows } = await handles[0]!.db.pool.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(rows.map((r) => r.version)).toEqual(REGISTRY_MIGRATIONS.map((m) => m.version));
  });

  test('a database at an older version is upgraded in place, its rows kept', async () => {
    const url = await freshPostgresUrl();
    const pool = new pg.Pool({ connectionString: url });
    const client = await pool.connect();
    try {
      expect(await migrate(client, REGISTRY_MIGRATIONS.slice(0, 1))).toEqual([1]);
      await client.query(
        `INSERT INTO models (model, pipeline, provider, base_model, run_id, created_at)
         VALUES ('old', 'p', 'local', 'b', 'r', 1)`,
      );
    } finally {
      client.release();
      await pool.end();
    }
    const reg = await PostgresRegistry.open(url);
    opened.push(reg);
    expect(await reg.getModel('old')).toMatchObject({ model: 'old', createdAt: 1 });
    await reg.registerModel(model('new', { details: { method: 'sft' } }));
    expect((await reg.getModel('new'))?.details).toEqual({ method: 'sft' });
  });

  test('a database migrated by a newer Tailor is refused, naming the versions', async () => {
    const url = await freshPostgresUrl();
    const future = [...REGISTRY_MIGRATIONS, { version: 99, name: 'future', sql: 'SELECT 1' }];
    const pool = new pg.Pool({ connectionString: url });
    const client = await pool.connect();
    try {
      await migrate(client, future);
    } finally {
      client.release();
      await pool.end();
    }
    await expect(PostgresRegistry.open(url)).rejects.toThrow(
      `schema is at version 99, newer than this Tailor knows (${REGISTRY_MIGRATIONS.length})`,
    );
  });

  test('an unreachable database is retryable', async () => {
    const url = `postgres://tailor:${server.password}@127.0.0.1:${await freePort()}/postgres`;
    const f = await failureOf(PostgresRegistry.open(url));
    expect(f.type).toBe('RegistryUnavailable');
    expect(f.nonRetryable).toBe(false);
    expect(f.message).toContain('ECONNREFUSED');
    expect(f.message).not.toContain(server.password);
  });

  test('a wrong password is not retryable, and no password is in the message', async () => {
    const wrong = 'not-the-password-42';
    const f = await failureOf(PostgresRegistry.open(`postgres://tailor:${wrong}@127.0.0.1:${server.port}/postgres`));
    expect(f.type).toBe('RegistryAccessDenied');
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toMatch(/password authentication failed.*28P01/);
    expect(f.message).not.toContain(wrong);
    expect(f.message).not.toContain(server.password);
  });

  test('a database that does not exist is a configuration error', async () => {
    const f = await failureOf(
      PostgresRegistry.open(`postgres://tailor:${server.password}@127.0.0.1:${server.port}/nope`),
    );
    expect(f.type).toBe('RegistryMisconfigured');
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toContain('"nope" does not exist');
  });
});

test('the SQLite backend is the same registry file the synchronous API reads', async () => {
  const file = path.join(tmp, 'shared.db');
  const backend = new SqliteRegistryBackend(new Registry(file));
  await backend.moveAlias({ pipeline: 'p', alias: 'prod', toModel: 'm', who: 'w', why: 'y', runId: 'r' });
  await backend.close();
  const sync = new Registry(file);
  expect(sync.resolveAlias('p', 'prod')).toBe('m');
  sync.close();
});

test('the synchronous SQLite API refuses a PostgreSQL TAILOR_REGISTRY instead of making a file named after it', () => {
  const saved = { registry: process.env.TAILOR_REGISTRY, cwd: process.cwd() };
  const dir = fs.mkdtempSync(path.join(tmp, 'cwd-'));
  process.env.TAILOR_REGISTRY = 'postgres://tailor:hunter2@127.0.0.1:1/db';
  process.chdir(dir);
  try {
    expect(() => new Registry()).toThrow(/TAILOR_REGISTRY names a PostgreSQL database.*openRegistry\(\)/);
    expect(fs.readdirSync(dir)).toEqual([]);
  } finally {
    process.chdir(saved.cwd);
    if (saved.registry === undefined) delete process.env.TAILOR_REGISTRY;
    else process.env.TAILOR_REGISTRY = saved.registry;
  }
});
