/**
 * The last state that lived on one host's disk, with TAILOR_ARTIFACTS on a real moto S3 and TAILOR_REGISTRY on a real
 * PostgreSQL: two "hosts", each an empty TAILOR_HOME. Host A is this process (its worker, its activities); host B is
 * the real `tailor` command in a child process, or this process after switching TAILOR_HOME. What A wrote is found by
 * B only through the bucket and the database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { askTeacher } from '../../activities/distill/askTeacher';
import { DiskTeacherCache, TEACHER_CACHE_NAMESPACE, teacherResultCache } from '../../activities/distill/teacherCache';
import { startPipeline } from '../../cli/stack/startPipeline';
import { loadSpec } from '../../config/loadSpec';
import type { TeacherAnswers } from '../../core/distill/distillTypes';
import { Failure, exitCodeFor } from '../../core/failures/failureTypes';
import { DistillSpecSchema } from '../../core/spec/distillSpec';
import { s3ClientConfig } from '../../stores/artifacts/s3ArtifactStore';
import {
  openScoreReader,
  openScoreStore,
  SqliteScoreBackend,
  type ScoreBackend,
} from '../../stores/onlineEval/scoreBackend';
import type { StoredScore } from '../../stores/onlineEval/scoreStore';
import { closeProcessStores, artifactStore, withScoreStore } from '../../stores/processStores';
import { useHarness } from '../support/pipelineHarness';
import { runCli } from '../support/runCli';
import { exampleSpecWith } from '../support/specFiles';
import { testTemporalAddress } from '../support/temporal';
import { freePort } from './support/freePort';
import { startMoto, type MotoServer } from './support/motoServer';
import { startPostgres, type PostgresServer } from './support/postgresServer';

const BUCKET = 'tailor-host-state';
const PREFIX = 'team/artifacts';
const TEACHER = 'gpt-4o-mini-2024-07-18';

let moto: MotoServer;
let pg: PostgresServer;
let tmp: string;
const saved: NodeJS.ProcessEnv = {};
const VARS = [
  'TAILOR_ARTIFACTS',
  'TAILOR_REGISTRY',
  'TAILOR_ONLINE_EVAL_DB',
  'TAILOR_CACHE_DIR',
  'AWS_ENDPOINT_URL',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
] as const;

beforeAll(async () => {
  [moto, pg] = await Promise.all([startMoto(), startPostgres()]);
  const registry = await pg.createDatabase('host_local_state');
  for (const k of VARS) saved[k] = process.env[k];
  delete process.env.TAILOR_ONLINE_EVAL_DB;
  delete process.env.TAILOR_CACHE_DIR;
  Object.assign(process.env, {
    TAILOR_ARTIFACTS: `s3://${BUCKET}/${PREFIX}`,
    TAILOR_REGISTRY: registry,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: moto.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.secretAccessKey,
  });
  await new S3Client(s3ClientConfig(process.env)).send(new CreateBucketCommand({ Bucket: BUCKET }));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-host-state-'));
}, 120_000);

// Host A: a real worker in this process, its TAILOR_HOME the harness's.
const h = useHarness('host-state', { beforeClose: () => closeProcessStores(), timeoutMs: 120_000 });

afterAll(async () => {
  for (const k of VARS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await Promise.all([moto?.stop(), pg?.stop()]);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Runs `fn` as host `name`: its own empty TAILOR_HOME and fresh store clients; then back to host A. */
async function asHost<T>(name: string, fn: (home: string) => Promise<T>): Promise<T> {
  const home = path.join(tmp, name);
  fs.mkdirSync(home);
  const a = process.env.TAILOR_HOME;
  process.env.TAILOR_HOME = home;
  await closeProcessStores();
  try {
    return await fn(home);
  } finally {
    process.env.TAILOR_HOME = a;
    await closeProcessStores();
  }
}

/** Chat requests the local backend (the teacher here) has answered since it started. */
async function teacherRequests(): Promise<number> {
  const res = await fetch(`${h.backend.baseURL}/_admin/usage`);
  return ((await res.json()) as { chat: { requests: number } }).chat.requests;
}

const files = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

describe('state that used to stay on one host, with artifacts in S3 and the registry in PostgreSQL', () => {
  it('teacher answers paid for on host A are found by host B: B asks the teacher nothing', async () => {
    const lines = ['printer on fire', 'cannot log in', 'refund please', 'refund please'].map((q) =>
      JSON.stringify({ messages: [{ role: 'user', content: q }], reference: 'other' }),
    );
    const prompts = await artifactStore().put(lines.join('\n') + '\n', { name: 'prompts.jsonl', count: 4 });
    const input = {
      pipeline: 'host-state',
      distill: DistillSpecSchema.parse({
        teacher: { model: TEACHER },
        prompts: { from: 'file', path: 'prompts.jsonl' },
        heldOut: 0.25,
      }),
      prompts,
    };
    const before = await teacherRequests();
    const onA: TeacherAnswers = await new MockActivityEnvironment().run(askTeacher, input);
    expect(await teacherRequests()).toBe(before + 3); // three unique prompts, each asked once
    expect([onA.calls, onA.cached]).toEqual([3, 0]);
    expect(fs.existsSync(path.join(h.home, 'distill-cache'))).toBe(false); // nothing kept on A's disk alone

    await asHost('teacher-b', async (home) => {
      expect(teacherResultCache().namespace).toBe(TEACHER_CACHE_NAMESPACE);
      expect(await teacherResultCache().count()).toBe(3); // the bucket's entries, seen from B
      const onB: TeacherAnswers = await new MockActivityEnvironment().run(askTeacher, input);
      expect(await teacherRequests()).toBe(before + 3); // B asked nothing: every answer came from the bucket
      expect([onB.calls, onB.cached]).toEqual([0, 3]);
      expect(onB.train).toEqual(onA.train);
      expect(onB.heldOut).toEqual(onA.heldOut);
      expect(fs.existsSync(path.join(home, 'distill-cache'))).toBe(false);
    });

    // Without a bucket the answers stay where they always were: $TAILOR_HOME/distill-cache.
    const local = teacherResultCache({ ...process.env, TAILOR_ARTIFACTS: '' });
    expect(local).toBeInstanceOf(DiskTeacherCache);
    expect((local as DiskTeacherCache).dir).toBe(path.join(h.home, 'distill-cache'));
  });

  it('online-eval scores recorded in PostgreSQL on host A are shown by `tailor online-eval scores` on B', async () => {
    const tick = Date.UTC(2026, 11, 1, 12);
    const score = (model: string, value: number, runId: string): Omit<StoredScore, 'alertedAt'> => ({
      alias: 'tickets@prod',
      suite: 'smoke',
      tick,
      model,
      n: 20,
      errored: 0,
      score: value,
      passRate: value,
      threshold: 0.8,
      below: value < 0.8,
      runId,
      recordedAt: tick + 1000,
    });
    const a = await openScoreStore();
    try {
      expect(a).not.toBeInstanceOf(SqliteScoreBackend);
      expect(a.location).not.toContain(pg.password);
      await a.record([score('ft:a', 0.9, 'run-1'), score('ft:b', 0.5, 'run-1')]);
      // The same tick again (a retried activity, another host): the first numbers are kept and returned.
      const again = await a.record([score('ft:b', 0.99, 'run-2')]);
      expect(again.map((s) => [s.score, s.runId])).toEqual([[0.5, 'run-1']]);
      await a.markAlerted({ alias: 'tickets@prod', suite: 'smoke', tick, model: 'ft:b' }, tick + 2000);
      await a.markAlerted({ alias: 'tickets@prod', suite: 'smoke', tick, model: 'ft:b' }, tick + 9000);
    } finally {
      await a.close();
    }
    expect(fs.existsSync(path.join(h.home, 'online-eval.db'))).toBe(false);
    // The online-eval activities share the process's one pool: opened and migrated once, not on every call.
    const used = new Set<ScoreBackend>();
    for (let i = 0; i < 3; i++) await withScoreStore(async (s) => void used.add(s));
    expect(used.size).toBe(1);
    expect([...used][0]!.location).toBe(a.location);

    const home = path.join(tmp, 'scores-b');
    fs.mkdirSync(home);
    const b = await runCli(['online-eval', 'scores', 'tickets@prod', '--json'], { TAILOR_HOME: home });
    expect(b.stderr).not.toMatch(/error|\n\s+at /i);
    expect(b.code).toBe(0);
    const shown = JSON.parse(b.stdout) as { alias: string; models: Record<string, StoredScore[]> };
    expect(Object.keys(shown.models).sort()).toEqual(['ft:a', 'ft:b']);
    expect(shown.models['ft:a']![0]).toMatchObject({ score: 0.9, below: false, alertedAt: null, tick });
    expect(shown.models['ft:b']![0]).toMatchObject({ score: 0.5, below: true, alertedAt: tick + 2000, runId: 'run-1' });
    expect(files(home)).toEqual([]); // B read the database: no SQLite file appeared on its disk

    await asHost('scores-b-api', async () => {
      const reader = await openScoreReader();
      try {
        expect(await reader!.history({ alias: 'tickets@prod', model: 'ft:b' })).toEqual(shown.models['ft:b']);
      } finally {
        await reader!.close();
      }
    });
  });

  it("a run's report written by host A's worker is written and shown by `tailor status` on host B", async () => {
    const loaded = loadSpec(exampleSpecWith({ name: 'host-state-report' }));
    const started = await startPipeline(h.client, loaded, { taskQueue: h.taskQueue });
    const result = await started.handle.result();
    const safe = result.runId.replace(/[^A-Za-z0-9._-]+/g, '_');
    const onA = path.join(h.home, 'reports', safe);
    const expected = ['report.json', 'report.md', ...(result.evaluationHtml ? ['evaluation.html'] : [])].sort();
    expect(files(onA)).toEqual(expected);

    const home = path.join(tmp, 'report-b');
    fs.mkdirSync(home);
    const onB = path.join(home, 'reports', safe);
    const env = { TAILOR_HOME: home, TEMPORAL_ADDRESS: testTemporalAddress() };
    const shown = await runCli(['status', result.runId], env, home);
    expect(shown.stderr).not.toMatch(/error|\n\s+at /i); // (node may print a deprecation warning)
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Report: ${path.join('reports', safe)}/report.md`);
    expect(files(onB)).toEqual(expected);
    const read = (dir: string, f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
    for (const f of expected) expect(read(onB, f)).toBe(read(onA, f));

    // A second status reads B's copy as it is.
    fs.appendFileSync(path.join(onB, 'report.md'), '\nseen\n');
    expect((await runCli(['status', result.runId], env, home)).code).toBe(0);
    expect(fs.readFileSync(path.join(onB, 'report.md'), 'utf8')).toMatch(/\nseen\n$/);
  });

  it('PostgreSQL unreachable: a classified, password-free failure; the CLI says it in one line', async () => {
    const url = `postgres://tailor:not-the-password@127.0.0.1:${await freePort()}/tailor`;
    const err = await openScoreStore({ ...process.env, TAILOR_REGISTRY: url }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe(Failure.RegistryUnavailable);
    expect((err as ApplicationFailure).nonRetryable).toBe(false);
    expect((err as ApplicationFailure).message).not.toContain('not-the-password');

    const home = path.join(tmp, 'unreachable');
    fs.mkdirSync(home);
    const cli = await runCli(['online-eval', 'scores', 'tickets@prod'], { TAILOR_HOME: home, TAILOR_REGISTRY: url });
    expect(cli.code).toBe(exitCodeFor(Failure.RegistryUnavailable));
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toMatch(/^.*online-eval score store: registry postgres:\/\/tailor@127\.0\.0\.1:\d+\/tailor: /);
    expect(cli.stderr).not.toContain('not-the-password');
    expect(cli.stderr).not.toMatch(/\n\s+at /);
    expect(files(home)).toEqual([]);
  });
});
