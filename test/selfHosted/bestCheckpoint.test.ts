import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { startPipeline } from '../../cli/stack/startPipeline';
import { loadSpec } from '../../config/loadSpec';
import type { AuditReport } from '../../core/audit/auditTypes';
import type { EvalSuiteResult } from '../../core/evalSuite/evalSuiteRun';
import { Registry } from '../../stores/registry/registryDb';
import { startPythonModule, trainerEnv } from '../../workers/pythonModule';
import { cliEnv } from '../operations/support';
import { startHarness, type Harness } from '../support/pipelineHarness';
import { runCli } from '../support/runCli';
import { testTemporalAddress, uniqueTaskQueue } from '../support/temporal';
import { chatRows, writeSelfHostedSpec } from './selfHostedSpec';
import { hasTrainerEnv, runModule, startModule, type PythonProcess } from './trainerProcesses';

const describeWithTrainer = hasTrainerEnv ? describe : describe.skip;
if (!hasTrainerEnv) console.warn('skipping the self-hosted best-checkpoint test: no .tools/trainer-venv');

/**
 * `fineTune.checkpoints: best` on provider self-hosted, with real parts: the trainer worker keeps the adapter of each
 * of its newest checkpoints, the development chat server serves each by its digest, the pipeline scores them on the
 * validation split and carries the best forward. The trainer's `degrade_final` test hook zeroes the adapter at the
 * last step (the final output then answers as the random base model does: a stand-in for a last epoch that
 * overfits), so the best checkpoint is deterministically an earlier one.
 */
describeWithTrainer('fineTune.checkpoints: best on provider self-hosted', () => {
  let h: Harness;
  let dir: string;
  let trainer: PythonProcess;
  let server: PythonProcess;
  let servingUrl: string;
  const trainerQueue = uniqueTaskQueue('trainer-best');

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-self-hosted-best-'));
    fs.writeFileSync(path.join(dir, 'chat.jsonl'), chatRows());
    runModule('tailor_trainer.tiny_model', ['--data', path.join(dir, 'chat.jsonl'), '--out', path.join(dir, 'tiny')]);
    h = await startHarness('self-hosted-best');
    [trainer, server] = await Promise.all([
      startPythonModule(
        'tailor_trainer.worker',
        ['--address', testTemporalAddress(), '--task-queue', trainerQueue],
        /polling task queue/,
        {
          timeoutMs: 90_000,
          env: { ...trainerEnv(1), TAILOR_TRAINER_TEST_HOOKS: 'degrade_final' },
        },
      ),
      startModule(
        'tailor_trainer.chat_server',
        [
          '--base',
          path.join(dir, 'tiny'),
          '--model',
          'tiny-base',
          '--adapters',
          path.join(h.home, 'adapters'),
          '--port',
          '0',
        ],
        /listening on http:\S+/,
      ),
    ]);
    servingUrl = /listening on (http:\S+)/.exec(server.output())![1]!;
  }, 180_000);
  afterAll(async () => {
    await Promise.all([trainer?.stop(), server?.stop()]);
    await h?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('scores each kept checkpoint through the chat server, deploys the best, and audits every score', async () => {
    const file = writeSelfHostedSpec(dir, {
      name: 'self-hosted-best',
      trainerQueue,
      servingUrl,
      training: { maxSteps: 40, checkpointEvery: 10 },
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed YAML spec, edited in place
    const spec = parse(fs.readFileSync(file, 'utf8')) as Record<string, any>;
    spec.fineTune.checkpoints = 'best';
    fs.writeFileSync(file, stringify(spec));
    const { handle, runId } = await startPipeline(h.client, loadSpec(file), { taskQueue: h.taskQueue });
    const result = await handle.result();
    const ft = result.fineTune!;

    // Checkpoints at steps 10, 20, 30 and 40; the trainer kept the newest three, each an adapter of its own beside
    // the final output, named by its digest; the last is the final output itself.
    const kept = ft.trainedCheckpoints!;
    expect(kept.map((c) => c.step)).toEqual([20, 30, 40]);
    for (const c of kept) {
      expect(c.model).toBe(`self-hosted:tiny-base:${c.sha256.slice(0, 12)}`);
      expect(path.dirname(c.path)).toBe(path.join(h.home, 'adapters'));
      expect(fs.existsSync(path.join(c.path, 'adapter_config.json'))).toBe(true);
    }
    const final = kept[kept.length - 1]!;

    // Every kept checkpoint was scored; the last (the zeroed adapter) scores as the base model, 0; an earlier one won.
    const { scores, chosen } = ft.checkpoints!;
    expect(scores.map((s) => [s.step, s.model])).toEqual(kept.map((c) => [c.step, c.model]));
    expect(scores.find((s) => s.step === 40)!.score).toBe(0);
    expect(chosen.step).toBeLessThan(40);
    expect(scores.find((s) => s.step === chosen.step)!.score).toBeGreaterThanOrEqual(0.5);
    const best = kept.find((c) => c.step === chosen.step)!;
    expect(ft.model).toBe(best.model);
    expect(ft.model).not.toBe(final.model);
    expect(ft.selfHosted).toMatchObject({ adapterSha256: best.sha256, adapterPath: best.path, steps: chosen.step });

    // Scored on the validation split in the child suite; the gate's evaluation on the test split saw the chosen one.
    const byCkpt = (await h.client.workflow.getHandle(`${runId}/fine-tune-checkpoints`).result()) as EvalSuiteResult;
    expect(byCkpt.cases.count).toBe(result.prepared.counts.validation);
    expect(byCkpt.leaderboard).toHaveLength(3);
    expect(result.leaderboard.find((s) => s.variantId === 'fine-tuned')?.model).toBe(best.model);
    expect(result.gate.passed).toBe(true);
    expect(result.deploy).toMatchObject({ outcome: 'promoted', model: best.model });
    const registry = new Registry(path.join(h.home, 'registry.db'));
    try {
      expect(registry.resolveAlias('self-hosted-best', 'prod')).toBe(best.model);
      expect(registry.getModel(best.model)?.details).toMatchObject({ adapterSha256: best.sha256, steps: best.step });
    } finally {
      registry.close();
    }

    // `tailor audit` shows every checkpoint's score on the fine-tune step.
    const out = await runCli(['audit', runId, '--json'], cliEnv(h));
    expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
    const detail = (JSON.parse(out.stdout) as AuditReport).steps.find((s) => s.name === 'fine-tune')!.detail!;
    for (const s of scores) expect(detail).toContain(`step ${s.step} ${s.score.toFixed(3)}`);
    expect(detail).toContain(`best step ${chosen.step}`);
    console.log(detail);
  });

  it('with registerAdapters, registers each kept checkpoint with a server serving only what it is given', async () => {
    // No --adapters folder: this server answers only for the adapters registered with it, as vLLM does.
    const registering = await startModule(
      'tailor_trainer.chat_server',
      ['--base', path.join(dir, 'tiny'), '--model', 'tiny-base', '--port', '0'],
      /listening on http:\S+/,
    );
    try {
      const url = /listening on (http:\S+)/.exec(registering.output())![1]!;
      const file = writeSelfHostedSpec(dir, {
        name: 'self-hosted-best-registered',
        trainerQueue,
        servingUrl: url,
        registerAdapters: true,
        training: { maxSteps: 30, checkpointEvery: 10 },
      });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed YAML spec, edited in place
      const spec = parse(fs.readFileSync(file, 'utf8')) as Record<string, any>;
      spec.fineTune.checkpoints = 'best';
      fs.writeFileSync(file, stringify(spec));
      const { handle } = await startPipeline(h.client, loadSpec(file), { taskQueue: h.taskQueue });
      const ft = (await handle.result()).fineTune!;
      const kept = ft.trainedCheckpoints!;
      expect(kept.map((c) => c.step)).toEqual([10, 20, 30]);
      // Each was scored, so each was served: registered under its model id (the last one is the final output's).
      expect(ft.checkpoints!.scores.map((s) => s.model)).toEqual(kept.map((c) => c.model));
      const listed = (await (await fetch(`${url}/models`)).json()) as { data: { id: string; root: string }[] };
      const served = new Map(listed.data.map((m) => [m.id, m.root]));
      expect([...served.keys()].sort()).toEqual(['tiny-base', ...kept.map((c) => c.model)].sort());
      for (const c of kept.slice(0, -1)) expect(served.get(c.model)).toBe(c.path);
      expect(ft.model).toBe(ft.checkpoints!.chosen.model);
    } finally {
      await registering.stop();
    }
  });
});
