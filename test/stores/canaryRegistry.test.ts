/**
 * Canaries in the registry, one contract on both backends: SQLite and a real PostgreSQL started for this file
 * (migration 5 'canaries'). A start is idempotent per run, a new start replaces (and records the old one as
 * aborted), an alias move to the canary's model ends it as promoted in the same transaction, an abort ends it, and
 * every step is in the history with who, why and the run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REGISTRY_MIGRATIONS } from '../../stores/registry/postgresMigrations';
import { openRegistry, type RegistryBackend } from '../../stores/registry/registryBackend';
import { startPostgres, type PostgresServer } from './support/postgresServer';

let server: PostgresServer;
let tmp: string;
const opened: RegistryBackend[] = [];

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-canaries-'));
  server = await startPostgres();
}, 120_000);

afterAll(async () => {
  await Promise.all(opened.map((r) => r.close().catch(() => undefined)));
  await server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

let dbNo = 0;
async function open(kind: 'sqlite' | 'postgres'): Promise<RegistryBackend> {
  const spec =
    kind === 'sqlite'
      ? path.join(fs.mkdtempSync(path.join(tmp, 'sqlite-')), 'registry.db')
      : await server.createDatabase(`canaries_${++dbNo}`);
  const reg = await openRegistry({ TAILOR_REGISTRY: spec });
  opened.push(reg);
  return reg;
}

test("migration 5 is 'canaries'", () => {
  expect(REGISTRY_MIGRATIONS.find((m) => m.version === 5)?.name).toBe('canaries');
});

describe.each(['sqlite', 'postgres'] as const)('canaries: %s', (kind) => {
  const at = (n: number) => 1_700_000_000_000 + n;
  const start = (reg: RegistryBackend, model: string, percent: number, runId: string, n: number) =>
    reg.startCanary({
      pipeline: 'tickets',
      alias: 'prod',
      model,
      percent,
      who: 'ci',
      why: `try ${model}`,
      runId,
      at: at(n),
    });

  test('start, retry, replace, abort: the row and its history', async () => {
    const reg = await open(kind);
    expect(await reg.getCanary('tickets', 'prod')).toBeUndefined();
    expect(await start(reg, 'm2', 10, 'run-1', 1)).toEqual({ replaced: null, changed: true });
    expect(await start(reg, 'm2', 10, 'run-1', 2)).toEqual({ replaced: null, changed: false }); // a retried activity
    expect(await reg.getCanary('tickets', 'prod')).toEqual({
      pipeline: 'tickets',
      alias: 'prod',
      model: 'm2',
      percent: 10,
      who: 'ci',
      why: 'try m2',
      runId: 'run-1',
      startedAt: at(1),
    });
    const replaced = await start(reg, 'm3', 12.5, 'run-2', 3);
    expect(replaced).toMatchObject({ replaced: { model: 'm2', percent: 10 }, changed: true });
    expect(await reg.listCanaries()).toEqual([expect.objectContaining({ model: 'm3', percent: 12.5 })]);
    expect(await reg.listCanaries('other')).toEqual([]);
    const ended = await reg.endCanary({
      pipeline: 'tickets',
      alias: 'prod',
      action: 'aborted',
      who: 'erin',
      why: 'too slow',
      runId: null,
      at: at(4),
    });
    expect(ended).toMatchObject({ model: 'm3' });
    expect(await reg.getCanary('tickets', 'prod')).toBeUndefined();
    expect(
      await reg.endCanary({ pipeline: 'tickets', alias: 'prod', action: 'aborted', who: 'e', why: 'x', runId: null }),
    ).toBeNull();
    expect((await reg.canaryHistory('tickets', 'prod')).map((c) => [c.action, c.model, c.who, c.runId, c.at])).toEqual([
      ['started', 'm2', 'ci', 'run-1', at(1)],
      ['aborted', 'm2', 'ci', 'run-2', at(3)],
      ['started', 'm3', 'ci', 'run-2', at(3)],
      ['aborted', 'm3', 'erin', null, at(4)],
    ]);
  });

  test("an alias move to the canary's model ends it as promoted; a move elsewhere keeps it", async () => {
    const reg = await open(kind);
    const move = (toModel: string, runId: string) =>
      reg.moveAlias({ pipeline: 'tickets', alias: 'prod', toModel, who: 'carol', why: `to ${toModel}`, runId });
    await move('m1', 'run-0');
    await start(reg, 'm2', 10, 'run-1', 1);
    await move('m0', 'run-x'); // a rollback or another promotion: the canary stands
    expect(await reg.getCanary('tickets', 'prod')).toMatchObject({ model: 'm2' });
    await move('m2', 'promote-1');
    expect(await reg.resolveAlias('tickets', 'prod')).toBe('m2');
    expect(await reg.getCanary('tickets', 'prod')).toBeUndefined();
    expect((await reg.canaryHistory('tickets')).at(-1)).toMatchObject({
      action: 'promoted',
      model: 'm2',
      who: 'carol',
      runId: 'promote-1',
      why: "alias moved to the canary's model: to m2",
    });
  });
});
