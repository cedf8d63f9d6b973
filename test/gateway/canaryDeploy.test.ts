/**
 * Canary deploys on a real dev server and worker: the deploy workflow with `canary` records the candidate as the
 * alias's canary (the alias keeps its model, the history names who and the run); a gateway over the same registry
 * serves the canary to exactly the users whose bucket is under the percentage, and follows a promotion
 * (`tailor promote NAME@ALIAS`) or an abort (`tailor canary abort`) without a restart; a config-file canary for the
 * alias wins over the registry's.
 */
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import type { GateDecision } from '../../core/pipeline/pipelineTypes';
import { GatewayConfigSchema } from '../../servers/gateway/gatewayConfig';
import { startGateway, type Gateway } from '../../servers/gateway/gatewayServer';
import { userBucket } from '../../servers/gateway/trafficSplit';
import { SqliteRegistryBackend } from '../../stores/registry/registryBackend';
import { Registry } from '../../stores/registry/registryDb';
import { deployWorkflow } from '../../workflows/deployWorkflow';
import { cliEnv, uniqueName } from '../operations/support';
import { testClient } from '../localBackend/support/backend';
import { useHarness } from '../support/pipelineHarness';
import { exampleSpecWith } from '../support/specFiles';
import { loadSpec } from '../../config/loadSpec';
import { maybeRecordHistories } from '../support/recordHistories';
import { runCli } from '../support/runCli';
import { eventually, sharedBundle } from '../support/temporal';
import { servedBy, users } from './support/servedBy';

const PRIMARY = 'gpt-4o-mini-2024-07-18';
const CANDIDATE = 'gpt-4o-mini';
const OTHER = 'gpt-4o';

let registry: SqliteRegistryBackend;
const gateways: Gateway[] = [];
const h = useHarness('canary-deploy', {
  beforeClose: async () => {
    for (const g of gateways) await g.close();
    await registry?.close();
  },
});
const pipeline = uniqueName('canary');
const alias = `${pipeline}@prod`;
const everyone = users(200);
const inCanary = (percent: number) => everyone.filter((u) => userBucket(alias, u) < percent);

const gate = (model: string): GateDecision => ({
  passed: true,
  candidate: { variantId: 'fine-tuned', model, score: 0.9 },
  baseline: { variantId: 'production', model: PRIMARY, score: 0.5, kind: 'production' },
  minImprovement: 0,
  minScore: 0,
  reason: 'candidate 0.9 ≥ production 0.5',
});

async function gateway(config: unknown = {}): Promise<Gateway> {
  const g = await startGateway({
    registry,
    config: GatewayConfigSchema.parse(config),
    clientFor: () => testClient(h.backend.baseURL),
    storeDir: path.join(h.home, 'gateway'),
    port: 0,
    aliasTtlMs: 100,
  });
  gateways.push(g);
  return g;
}

/** The users the gateway served the canary model, once it serves exactly `expected` of them (bounded poll). */
async function canaryUsersSettleOn(g: Gateway, model: string, expected: string[]): Promise<string[]> {
  return eventually(`the gateway to serve ${model} to ${expected.length} users`, async () => {
    const served = await servedBy(g.url, alias, everyone);
    const got = everyone.filter((u) => served.get(u) === model);
    return JSON.stringify(got) === JSON.stringify(expected) ? got : undefined;
  });
}

beforeAll(async () => {
  registry = new SqliteRegistryBackend(new Registry(path.join(h.home, 'registry.db')));
  for (const model of [PRIMARY, CANDIDATE, OTHER]) {
    await registry.registerModel({
      model,
      pipeline,
      provider: 'default',
      baseModel: model,
      jobId: null,
      trainSha256: null,
      specSha256: null,
      runId: 'setup',
      evalReportUri: null,
      score: 0.5,
      createdAt: Date.now(),
    });
  }
  await registry.moveAlias({ pipeline, alias: 'prod', toModel: PRIMARY, who: 'setup', why: 'setup', runId: null });
});

test('a canary deploy keeps the alias, records the canary, and the gateway splits users by bucket', async () => {
  const runId = uniqueName('canary-run');
  const result = await h.client.workflow.execute(deployWorkflow, {
    workflowId: runId,
    taskQueue: h.taskQueue,
    args: [{ runId, pipeline, alias: 'prod', gate: gate(CANDIDATE), canary: { percent: 10 } }],
  });
  expect(result).toMatchObject({ outcome: 'canary', model: CANDIDATE, previous: PRIMARY });
  expect(await registry.resolveAlias(pipeline, 'prod')).toBe(PRIMARY);
  expect(await registry.getCanary(pipeline, 'prod')).toMatchObject({ model: CANDIDATE, percent: 10, runId });
  expect(await registry.canaryHistory(pipeline, 'prod')).toEqual([
    expect.objectContaining({ action: 'started', model: CANDIDATE, percent: 10, runId, why: expect.any(String) }),
  ]);
  expect(await registry.aliasHistory(pipeline, 'prod')).toHaveLength(1); // only the setup move

  const g = await gateway();
  const expected = inCanary(10);
  // Some users, not most: the pipeline's name is unique per run, so the split differs from run to run (the share
  // itself is checked over 20,000 fixed users in trafficSplit.test.ts); these bounds fail only below 1e-9.
  expect(expected.length).toBeGreaterThan(0);
  expect(expected.length).toBeLessThan(everyone.length / 3);
  const served = await servedBy(g.url, alias, everyone);
  expect(everyone.filter((u) => served.get(u) === CANDIDATE)).toEqual(expected);
  expect(everyone.filter((u) => served.get(u) === PRIMARY)).toHaveLength(everyone.length - expected.length);

  // The history replays on today's workflow code (the canary-deploy patch).
  const history = await h.client.workflow.getHandle(runId).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: await sharedBundle() }, history, runId);
  await maybeRecordHistories(h.client, 'deploy-canary', [runId]);
});

test("a config-file canary for the alias wins over the registry's", async () => {
  const g = await gateway({ aliases: { [alias]: { canary: { model: OTHER, percent: 50 } } } });
  const served = await servedBy(g.url, alias, everyone);
  expect(everyone.filter((u) => served.get(u) === OTHER)).toEqual(inCanary(50));
  expect(everyone.filter((u) => served.get(u) === CANDIDATE)).toEqual([]);
});

test('`tailor canary show`, then `tailor promote NAME@ALIAS` moves the alias to the canary and ends it', async () => {
  const g = await gateway();
  await canaryUsersSettleOn(g, CANDIDATE, inCanary(10));
  const shown = await runCli(['canary', 'show', alias, '--json'], cliEnv(h));
  expect(shown.code).toBe(0);
  expect(JSON.parse(shown.stdout)).toMatchObject({ canary: { model: CANDIDATE, percent: 10 } });

  const promoted = await runCli(['promote', alias, '--reason', 'canary looks good', '--by', 'carol'], cliEnv(h));
  expect(promoted.stderr).toBe('');
  expect(promoted.code).toBe(0);
  expect(await registry.resolveAlias(pipeline, 'prod')).toBe(CANDIDATE);
  expect(await registry.getCanary(pipeline, 'prod')).toBeUndefined();
  expect((await registry.canaryHistory(pipeline, 'prod')).map((c) => [c.action, c.model, c.who])).toEqual([
    ['started', CANDIDATE, expect.any(String)],
    ['promoted', CANDIDATE, 'carol'],
  ]);
  // Everyone gets the promoted model, without a gateway restart.
  await canaryUsersSettleOn(g, CANDIDATE, everyone);
  const none = await runCli(['canary', 'show', alias], cliEnv(h));
  expect(none.code).toBe(1);
  expect(none.stdout.startsWith(`${alias}: no canary\n`)).toBe(true);
}, 60_000);

test('`tailor canary abort` stops a canary: every user is back on the alias model', async () => {
  await registry.startCanary({
    pipeline,
    alias: 'prod',
    model: OTHER,
    percent: 30,
    who: 'dave',
    why: 'try gpt-4o',
    runId: 'manual',
  });
  const g = await gateway();
  await canaryUsersSettleOn(g, OTHER, inCanary(30));
  const aborted = await runCli(['canary', 'abort', alias, '--reason', 'too slow', '--by', 'erin'], cliEnv(h));
  expect(aborted).toMatchObject({ code: 0, stdout: `${alias}: canary of ${OTHER} (30%) aborted by erin\n` });
  await canaryUsersSettleOn(g, OTHER, []);
  expect((await registry.canaryHistory(pipeline, 'prod')).at(-1)).toMatchObject({
    action: 'aborted',
    model: OTHER,
    who: 'erin',
    why: 'too slow',
  });
  expect(await registry.resolveAlias(pipeline, 'prod')).toBe(CANDIDATE);
  const again = await runCli(['canary', 'abort', alias, '--reason', 'again'], cliEnv(h));
  expect(again).toMatchObject({ code: 1, stderr: `tailor canary: ${alias} has no canary to abort\n` });
  const bad = await runCli(['canary', 'abort', 'Bad Name@prod', '--reason', 'x'], cliEnv(h));
  expect(bad.code).toBe(2);
}, 60_000);

test('a bad deploy.canary names the spec file, line and key', () => {
  const withCanary = (canary: unknown) => exampleSpecWith({ deploy: { alias: 'prod', canary } });
  expect(loadSpec(withCanary({ percent: 10 })).spec.deploy.canary).toEqual({ percent: 10 });
  expect(() => loadSpec(withCanary({ percent: 100 }))).toThrow(
    /pipeline\.yaml:\d+: deploy\.canary\.percent: expected a percentage above 0 and below 100/,
  );
  expect(() => loadSpec(withCanary({ percent: 10, model: 'ft:x' }))).toThrow(/pipeline\.yaml:\d+: deploy\.canary/);
  expect(() => loadSpec(withCanary({}))).toThrow(/pipeline\.yaml:\d+: deploy\.canary\.percent/);
});
