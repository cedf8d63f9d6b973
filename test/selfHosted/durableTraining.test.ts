import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { Registry } from '../../stores/registry/registryDb';
import { startPipeline } from '../../cli/stack/startPipeline';
import { loadSpec } from '../../config/loadSpec';
import { runSlug, trainingFolders } from '../../core/fineTune/selfHosted';
import type { AuditReport } from '../../core/audit/auditTypes';
import type { FineTuneProgress } from '../../core/pipeline/fineTuneTypes';
import { fineTuneProgressQuery } from '../../workflows/messages';
import { startHarness, type Harness } from '../support/pipelineHarness';
import { maybeRecordHistories } from '../support/recordHistories';
import { runCli } from '../support/runCli';
import { eventually, testTemporalAddress, uniqueTaskQueue } from '../support/temporal';
import { chatRows, writeSelfHostedSpec } from './selfHostedSpec';
import { hasTrainerEnv, runModule, startModule, type PythonProcess } from './trainerProcesses';

// CI runs `npm test` before `npm run setup:trainer`; `npm run test:trainer` runs this file once the environment exists.
const describeWithTrainer = hasTrainerEnv ? describe : describe.skip;

/**
 * Durable self-hosted training through the whole pipeline, with real parts: the Python trainer worker as a
 * subprocess (killed with SIGKILL, restarted), the TypeScript workflows on the test server, and the development chat
 * server, which learns each new adapter through vLLM's runtime API (`registerAdapters: true`). The model is a tiny
 * random-weight CPU model built here: these runs show durability, not model quality.
 */
describeWithTrainer('self-hosted training survives a lost worker, stops on cancel, pauses and resumes', () => {
  let h: Harness;
  let dir: string;
  let server: PythonProcess;
  let servingUrl: string;
  const trainers: PythonProcess[] = [];
  const trainerQueue = uniqueTaskQueue('trainer-durable');

  // Progress signals every 0.1 s so the test sees steps as they happen (the default is 30 s), and heartbeats reach
  // the server every 0.25 s (default 1 s), so a stop request is noticed within a few of the tiny model's fast steps.
  const startTrainer = async () => {
    const t = await startModule(
      'tailor_trainer.worker',
      [
        '--address',
        testTemporalAddress(),
        '--task-queue',
        trainerQueue,
        '--progress-every',
        '0.1',
        '--heartbeat-throttle',
        '0.25',
      ],
      /polling task queue/,
    );
    trainers.push(t);
    return t;
  };
  const trainerProgress = (runId: string) =>
    h.client.workflow.getHandle(`${runId}/fine-tune`).query(fineTuneProgressQuery) as Promise<FineTuneProgress>;
  const checkpointDir = (runId: string) =>
    trainingFolders(path.join(h.home, 'adapters'), `${runId}/fine-tune`).checkpointDir;
  const stoppedAt = (runId: string) =>
    JSON.parse(fs.readFileSync(path.join(checkpointDir(runId), 'stopped.json'), 'utf8')) as {
      step: number;
      checkpoint: string;
    };
  const spec = (
    name: string,
    training: { maxSteps: number; checkpointEvery: number },
    cost: { usdPerHour?: number; budgetUsd?: number } = {},
  ) =>
    loadSpec(
      writeSelfHostedSpec(dir, {
        name,
        trainerQueue,
        servingUrl,
        registerAdapters: true,
        training: { ...training, heartbeatTimeout: '10s' },
        ...cost,
      }),
    );
  const cliEnvFor = () => ({
    TEMPORAL_ADDRESS: testTemporalAddress(),
    TEMPORAL_NAMESPACE: 'default',
    TAILOR_TASK_QUEUE: h.taskQueue,
    TAILOR_HOME: h.home,
  });
  const ensureTrainer = async () => {
    if (!trainers.some((t) => t.child.exitCode === null && t.child.signalCode === null)) await startTrainer();
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-self-hosted-durable-'));
    fs.writeFileSync(path.join(dir, 'chat.jsonl'), chatRows());
    runModule('tailor_trainer.tiny_model', ['--data', path.join(dir, 'chat.jsonl'), '--out', path.join(dir, 'tiny')]);
    h = await startHarness('self-hosted-durable');
    // No --adapters folder: the server serves only what Tailor registers with POST /v1/load_lora_adapter.
    server = await startModule(
      'tailor_trainer.chat_server',
      ['--base', path.join(dir, 'tiny'), '--model', 'tiny-base', '--port', '0'],
      /listening on http:\S+/,
    );
    servingUrl = /listening on (http:\S+)/.exec(server.output())![1]!;
  }, 180_000);
  afterAll(async () => {
    await Promise.all([...trainers.map((t) => t.stop()), server?.stop()]);
    await h?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it(
    'SIGKILL of the trainer mid-training: the retry resumes from a checkpoint, and one adapter reaches the ' +
      'registry',
    async () => {
      const first = await startTrainer();
      // Long enough (a few seconds on this fast tiny model) that the kill lands mid-training even on a loaded machine.
      const loaded = spec('self-hosted-sigkill', { maxSteps: 200, checkpointEvery: 10 });
      const { handle, runId } = await startPipeline(h.client, loaded, { taskQueue: h.taskQueue });
      // The fine-tune's progress query shows the trainer's step and loss as it trains.
      const before = await eventually(
        'a checkpoint and a few more steps',
        async () => {
          const p = await trainerProgress(runId).catch(() => undefined);
          return p?.trainer?.checkpoint && p.trainer.step >= 15 ? p.trainer : undefined;
        },
        120_000,
      );
      expect(before).toMatchObject({ attempt: 1, maxSteps: 200 });
      expect(before.loss).toEqual(expect.any(Number));
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
      await startTrainer();

      const result = await handle.result();
      const trained = result.fineTune!.selfHosted!;
      // Resumed from a checkpoint at or after the one seen before the kill, not from step 0.
      expect(trained.resumedFromStep).toBeGreaterThanOrEqual(10);
      expect(trained.resumedFromStep % 10).toBe(0);
      expect(trained.steps).toBe(200);
      await maybeRecordHistories(h.client, 'self-hosted-worker-lost', [`${runId}/fine-tune`]);
      const after = (await trainerProgress(runId)).trainer!;
      expect(after.attempt).toBeGreaterThanOrEqual(2);
      console.log(
        `SIGKILL at step ≥ ${before.step}; attempt ${after.attempt} resumed from step ` +
          `${trained.resumedFromStep} and finished at ${trained.steps}`,
      );

      // One adapter: in the adapters folder, in the registry, and loaded once into the serving endpoint.
      const outputs = fs.readdirSync(path.join(h.home, 'adapters')).filter((e) => !e.startsWith('.'));
      expect(outputs).toEqual([runSlug(`${runId}/fine-tune`)]);
      const registry = new Registry(path.join(h.home, 'registry.db'));
      try {
        expect(registry.listModels('self-hosted-sigkill').map((m) => m.model)).toEqual([result.fineTune!.model]);
        expect(registry.resolveAlias('self-hosted-sigkill', 'prod')).toBe(result.fineTune!.model);
      } finally {
        registry.close();
      }
      const listed = (await (await fetch(`${servingUrl}/models`)).json()) as { data: { id: string; root?: string }[] };
      expect(listed.data.filter((m) => m.id === result.fineTune!.model)).toEqual([
        expect.objectContaining({ root: trained.adapterPath }),
      ]);
      expect(result.gate.passed).toBe(true);

      // The audit shows the lost attempt (its heartbeat timeout) and the lineage to the registered model.
      const audit = await runCli(['audit', runId, '--json'], cliEnvFor());
      expect(audit.code).toBe(0);
      const report = JSON.parse(audit.stdout) as AuditReport;
      const training = report.activities.filter((a) => a.name === 'trainSupervised');
      expect(training).toHaveLength(1);
      expect(training[0]).toMatchObject({ status: 'completed', workflowId: `${runId}/fine-tune` });
      expect(training[0]!.attempts).toBeGreaterThanOrEqual(2);
      expect(training[0]!.failures.join('\n')).toMatch(/heartbeat/i);
      expect(report.lineage).toContainEqual(expect.objectContaining({ kind: 'model', id: result.fineTune!.model }));
    },
  );

  it('cancelling the run stops training within one checkpoint interval and keeps the last checkpoint', async () => {
    await ensureTrainer();
    // The tiny model takes tens of steps a second on CPU, far faster than a real model, where one checkpoint interval
    // is minutes; 100 steps here is about two seconds, against a stop noticed within the next heartbeat's reply.
    const every = 100;
    const loaded = spec('self-hosted-cancel', { maxSteps: 20000, checkpointEvery: every });
    const { handle, runId } = await startPipeline(h.client, loaded, { taskQueue: h.taskQueue });
    const seen = await eventually(
      'training past its first checkpoint',
      async () => {
        const p = await trainerProgress(runId).catch(() => undefined);
        return p?.trainer?.checkpoint && p.trainer.step > every ? p.trainer : undefined;
      },
      120_000,
    );
    const cancelledAt = Date.now();
    // The last report before the request is a lower bound of the step at which it was made.
    const lastSeen = (await trainerProgress(runId)).trainer!.step;
    await handle.cancel();
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const tookMs = Date.now() - cancelledAt;
    expect((await trainerProgress(runId)).phase).toBe('cancelled');
    // The pipeline waits for the trainer to stop (WAIT_CANCELLATION_COMPLETED), so the marker is there now.
    const stopped = stoppedAt(runId);
    console.log(
      `cancel at step ≥ ${lastSeen}; the trainer stopped at step ${stopped.step} (checkpoint every ${every}` +
        `), run closed ${tookMs} ms after the request`,
    );
    expect(lastSeen).toBeGreaterThanOrEqual(seen.step);
    expect(stopped.step - lastSeen).toBeLessThanOrEqual(every);
    expect(stopped.step).toBeLessThan(20000);
    expect(fs.existsSync(path.join(stopped.checkpoint, 'trainer_state.json'))).toBe(true);
  });

  it('tailor pause stops training at a checkpoint; tailor resume trains on from it', async () => {
    await ensureTrainer();
    // Long enough that the pause lands mid-training on this fast tiny model.
    const loaded = spec('self-hosted-pause', { maxSteps: 300, checkpointEvery: 10 }, { usdPerHour: 2 });
    const { handle, runId } = await startPipeline(h.client, loaded, { taskQueue: h.taskQueue });
    await eventually(
      'training past its first checkpoint',
      async () => {
        const p = await trainerProgress(runId).catch(() => undefined);
        return p?.trainer?.checkpoint && p.trainer.step >= 12 ? true : undefined;
      },
      120_000,
    );
    const env = cliEnvFor();
    expect(await runCli(['pause', runId], env)).toMatchObject({ code: 0 });
    await eventually(
      'the paused phase',
      async () => ((await trainerProgress(runId)).phase === 'paused' ? true : undefined),
      60_000,
    );
    const stopped = stoppedAt(runId);
    expect(stopped.step).toBeLessThan(300);
    // tailor status shows where training stands while the run waits.
    const status = await runCli(['status', runId, '--json'], env);
    const shown = JSON.parse(status.stdout) as { progress: { stage: string }; fineTune: FineTuneProgress };
    expect(shown.progress.stage).toBe('fine-tune');
    expect(shown.fineTune).toMatchObject({ phase: 'paused', trainer: { maxSteps: 300 } });
    expect(shown.fineTune.trainer!.step).toBeGreaterThanOrEqual(12);
    const text = await runCli(['status', runId], env);
    expect(text.stdout).toMatch(/fine-tune: trainer paused at step \d+\/300 loss \d/);
    expect(await runCli(['resume', runId], env)).toMatchObject({ code: 0 });
    const result = await handle.result();
    await maybeRecordHistories(h.client, 'self-hosted-paused-resumed', [runId, `${runId}/fine-tune`]);
    const trained = result.fineTune!.selfHosted!;
    console.log(
      `paused at step ${stopped.step}; resumed from step ${trained.resumedFromStep}, finished at ${trained.steps}`,
    );
    expect(trained.resumedFromStep).toBeGreaterThanOrEqual(10);
    expect(trained.resumedFromStep).toBeLessThanOrEqual(stopped.step);
    expect(trained.steps).toBe(300);
    expect(result.deploy.outcome).toBe('promoted');
    // Machine time is the spend (usdPerHour), paused time excluded: the run's spend names it.
    expect(trained.trainingMs).toBeGreaterThan(0);
    expect(trained.costUsd).toBeCloseTo((trained.trainingMs! / 3_600_000) * 2, 10);
    expect(result.spend.actualUsd['fine-tune']).toBe(trained.costUsd);
  });

  it('with usdPerHour and a budget, training stops at a checkpoint when the budget is used up', async () => {
    await ensureTrainer();
    // $3.60 an hour is $0.001 a second: a $0.004 budget buys four seconds of training.
    const loaded = spec(
      'self-hosted-budget',
      { maxSteps: 20000, checkpointEvery: 20 },
      { usdPerHour: 3.6, budgetUsd: 0.004 },
    );
    const { handle, runId } = await startPipeline(h.client, loaded, { taskQueue: h.taskQueue });
    const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
    expect(err).toBeInstanceOf(WorkflowFailedError);
    await maybeRecordHistories(h.client, 'self-hosted-over-budget', [`${runId}/fine-tune`]);
    const progress = await trainerProgress(runId);
    expect(progress.phase).toBe('failed');
    expect(progress.spentUsd).toBeGreaterThanOrEqual(0.004);
    expect(progress.spentUsd).toBeLessThan(0.008);
    const stopped = stoppedAt(runId);
    expect(stopped.step).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(stopped.checkpoint, 'trainer_state.json'))).toBe(true);
    const status = await runCli(['status', runId, '--json'], cliEnvFor());
    expect(status.stdout).toMatch(/training used up the budget/);
    console.log(
      `budget $0.004 at $3.60/h: training stopped at step ${stopped.step} after $` +
        `${progress.spentUsd!.toFixed(4)} (${progress.trainingMs} ms)`,
    );
  });
});
