/**
 * A distilled student goes out as a canary on its teacher's alias, on real parts: the shared dev server, a real
 * worker, the student's local backend and a second local backend as the teacher's provider (both over loopback
 * HTTP), and the gateway in front. The teacher is TEACHER@prod (gpt-4o); a `distill:` run with
 * `deploy.canary: { percent: 10, on: teacher }` ends `canary`; through the gateway TEACHER@prod then serves the
 * student to exactly the users whose bucket is under 10 (`x-tailor-model`), the teacher to the rest, and the alias
 * itself has not moved. `tailor status` on the finished run prints the Distillation block; `tailor promote`'s deploy
 * then moves the alias to the student and ends the canary.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadSpec } from '../../config/loadSpec';
import { pipelineStatus } from '../../cli/stack/status/pipelineStatus';
import { distillSummaryLines } from '../../core/report/distillSection';
import { startPipeline } from '../../cli/stack/startPipeline';
import type { PipelineResult } from '../../core/pipeline/pipelineTypes';
import { startLocalOpenAI, type LocalOpenAIServer } from '../../providers/local/server';
import { GatewayConfigSchema } from '../../servers/gateway/gatewayConfig';
import { startGateway, type Gateway } from '../../servers/gateway/gatewayServer';
import { userBucket } from '../../servers/gateway/trafficSplit';
import { SqliteRegistryBackend } from '../../stores/registry/registryBackend';
import { Registry } from '../../stores/registry/registryDb';
import { deployWorkflow } from '../../workflows/deployWorkflow';
import { servedBy, users } from '../gateway/support/servedBy';
import { testClient } from '../localBackend/support/backend';
import { uniqueName } from '../operations/support';
import { useHarness } from '../support/pipelineHarness';
import { EXAMPLE_SPEC, exampleSpecWith } from '../support/specFiles';
import { eventually } from '../support/temporal';

const TICKETS = path.join(path.dirname(EXAMPLE_SPEC), 'data', 'tickets.jsonl');
const TEACHER_MODEL = 'gpt-4o';
let teacher: LocalOpenAIServer;
let registry: SqliteRegistryBackend;
let gateway: Gateway;
let prompts: string;
const h = useHarness('distill-canary', {
  beforeClose: async () => {
    await gateway?.close();
    await registry?.close();
  },
});
const teacherName = uniqueName('teacher');
const teacherAlias = `${teacherName}@prod`;
const name = uniqueName('student');

beforeAll(async () => {
  teacher = await startLocalOpenAI({ port: 0, dataDir: path.join(h.home, 'teacher-backend') });
  process.env.TEACHER_BASE_URL = teacher.baseURL;
  const rows = fs.readFileSync(TICKETS, 'utf8').split('\n').filter(Boolean).slice(0, 40);
  prompts = path.join(h.home, 'prompts.jsonl');
  fs.writeFileSync(prompts, rows.join('\n') + '\n');
  // The worker's registry (under the harness's TAILOR_HOME): the teacher's pipeline with its alias on gpt-4o.
  registry = new SqliteRegistryBackend(new Registry(path.join(h.home, 'registry.db')));
  await registry.registerModel({
    model: TEACHER_MODEL,
    pipeline: teacherName,
    provider: 'openai',
    baseModel: TEACHER_MODEL,
    jobId: null,
    trainSha256: null,
    specSha256: null,
    runId: 'setup',
    evalReportUri: null,
    score: null,
    createdAt: Date.now(),
  });
  await registry.moveAlias({
    pipeline: teacherName,
    alias: 'prod',
    toModel: TEACHER_MODEL,
    who: 'setup',
    why: 'setup',
    runId: null,
  });
  gateway = await startGateway({
    registry,
    config: GatewayConfigSchema.parse({}),
    clientFor: () => testClient(h.backend.baseURL),
    storeDir: path.join(h.home, 'gateway'),
    port: 0,
    aliasTtlMs: 100,
  });
});
afterAll(async () => {
  delete process.env.TEACHER_BASE_URL;
  await teacher?.close();
});

function canarySpec(teacherModel: string, canary: Record<string, unknown>): string {
  return exampleSpecWith({
    name,
    dataset: { source: 'distill', format: 'chat', split: { validation: 0.1, test: 0.2, seed: name } },
    distill: {
      teacher: {
        model: teacherModel,
        provider: { type: 'openai-compatible', baseUrlEnv: 'TEACHER_BASE_URL' },
        prompt: { fewShot: 5 },
      },
      prompts: { from: 'file', path: prompts },
      heldOut: 0.25,
      seed: 'distill-canary',
    },
    baselines: { zeroShot: true },
    fineTune: {
      method: { type: 'supervised', hyperparameters: { n_epochs: 3 } },
      suffix: 'canary',
      poll: { initial: '300ms', max: '2s' },
    },
    evaluation: { metric: 'exact_match', concurrency: 8, maxExamples: 10 },
    gate: { minImprovement: -1 },
    deploy: { alias: 'prod', approval: 'auto', canary },
  });
}

test("the student is a 10% canary on the teacher's alias; promote moves the alias to it", async () => {
  const loaded = loadSpec(canarySpec(teacherAlias, { percent: 10, on: 'teacher' }));
  const { handle } = await startPipeline(h.client, loaded, { taskQueue: h.taskQueue });
  const result = (await handle.result()) as PipelineResult;
  expect(result.gate.passed).toBe(true);
  const student = result.fineTune!.model;
  expect(result.distill!.teacher).toMatchObject({ requested: teacherAlias, model: TEACHER_MODEL });
  expect(result.deploy).toMatchObject({ outcome: 'canary', alias: 'prod', model: student, previous: TEACHER_MODEL });
  expect(result.deploy!.reason).toContain(`canary: 10% of ${teacherAlias}'s users`);

  // The registry: the canary is on the teacher's pipeline and alias, with this run as its source; the teacher's
  // alias did not move; the student's own pipeline has no alias and no canary; the model keeps its own lineage.
  expect(await registry.resolveAlias(teacherName, 'prod')).toBe(TEACHER_MODEL);
  expect(await registry.getCanary(teacherName, 'prod')).toMatchObject({
    model: student,
    percent: 10,
    runId: result.runId,
  });
  expect(await registry.getCanary(name, 'prod')).toBeFalsy();
  expect(await registry.resolveAlias(name, 'prod')).toBeFalsy();
  expect(await registry.getModel(student)).toMatchObject({ pipeline: name, runId: result.runId });
  const history = await registry.canaryHistory(teacherName, 'prod');
  expect(history.map((c) => [c.action, c.model, c.runId])).toEqual([['started', student, result.runId]]);

  // The gateway serves the student to the users whose bucket is under 10, the teacher to the rest, sticky.
  const everyone = users(300, 'visitor');
  const expected = everyone.filter((u) => userBucket(teacherAlias, u) < 10);
  // Some users, not most: the pipeline's name is unique per run, so the split differs from run to run (the share
  // itself is checked over 20,000 fixed users in trafficSplit.test.ts); these bounds fail only below 1e-9.
  expect(expected.length).toBeGreaterThan(0);
  expect(expected.length).toBeLessThan(everyone.length / 3);
  const served = await eventually('the gateway to follow the canary', async () => {
    const s = await servedBy(gateway.url, teacherAlias, everyone);
    return everyone.some((u) => s.get(u) === student) ? s : undefined;
  });
  expect(everyone.filter((u) => served.get(u) === student)).toEqual(expected);
  expect(everyone.filter((u) => served.get(u) === TEACHER_MODEL)).toHaveLength(everyone.length - expected.length);
  expect(await servedBy(gateway.url, teacherAlias, everyone)).toEqual(served);

  // `tailor status` on the finished run prints the Distillation block the `tailor run --wait` summary prints.
  const runHandle = h.client.workflow.getHandle(result.runId);
  const ctx = { client: h.client, runId: result.runId, handle: runHandle, desc: await runHandle.describe() };
  const shown = await pipelineStatus.completed(ctx, await runHandle.result());
  const block = distillSummaryLines(result.distill!);
  expect(block[0]).toMatch(/^Distillation: agreement \d+\.\d%/);
  const at = shown.lines.indexOf(block[0]!);
  expect(shown.lines.slice(at, at + block.length)).toEqual(block);
  expect(shown.lines[at + block.length + 1]).toMatch(/^Gate: passed/);

  // `tailor promote TEACHER@prod` (its deploy workflow, as cli/commands/promote.ts starts it): the alias moves to
  // the student and the canary ends as promoted.
  const runId = `promote-${teacherName}-prod-test`;
  const promoted = await h.client.workflow.execute(deployWorkflow, {
    workflowId: runId,
    taskQueue: h.taskQueue,
    args: [
      {
        runId,
        pipeline: teacherName,
        alias: 'prod',
        initiatedBy: 'support-lead',
        gate: {
          passed: true,
          candidate: { variantId: 'manual', model: student, score: 0 },
          baseline: { variantId: 'manual', model: student, score: 0, kind: 'production' },
          minImprovement: 0,
          minScore: 0,
          reason: 'manual promotion by support-lead: the student holds up',
        },
      },
    ],
  });
  expect(promoted).toMatchObject({ outcome: 'promoted', model: student, previous: TEACHER_MODEL });
  expect(await registry.resolveAlias(teacherName, 'prod')).toBe(student);
  expect(await registry.getCanary(teacherName, 'prod')).toBeFalsy();
  expect((await registry.canaryHistory(teacherName, 'prod')).map((c) => c.action)).toEqual(['started', 'promoted']);
}, 300_000);

test('on: teacher needs a teacher given as NAME@ALIAS; the error names the file, line and key', () => {
  expect(() => loadSpec(canarySpec(TEACHER_MODEL, { percent: 10, on: 'teacher' }))).toThrow(
    /pipeline\.yaml:\d+: deploy\.canary\.on: the teacher 'gpt-4o' is a model ID, not NAME@ALIAS/,
  );
  const plain = exampleSpecWith({ name, deploy: { alias: 'prod', canary: { percent: 10, on: 'teacher' } } });
  expect(() => loadSpec(plain)).toThrow(/deploy\.canary\.on: needs a distill: section whose teacher is NAME@ALIAS/);
  expect(() => loadSpec(canarySpec(teacherAlias, { percent: 10, on: 'student' }))).toThrow(/deploy\.canary\.on/);
  // Without `on` (or `on: self`) the canary stays on the pipeline's own alias, as before.
  expect(loadSpec(canarySpec(teacherAlias, { percent: 10 })).spec.deploy.canary).toEqual({ percent: 10 });
});
