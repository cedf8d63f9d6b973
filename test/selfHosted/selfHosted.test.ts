import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { Registry } from '../../stores/registry/registryDb';
import { startPipeline } from '../../cli/stack/startPipeline';
import { loadSpec } from '../../config/loadSpec';
import { startHarness, type Harness } from '../support/pipelineHarness';
import { testTemporalAddress, uniqueTaskQueue } from '../support/temporal';
import { chatRows, LORA, writeSelfHostedSpec } from './selfHostedSpec';
import { hasTrainerEnv, runModule, startModule, type PythonProcess } from './trainerProcesses';

// CI runs `npm test` before `npm run setup:trainer`; `npm run test:trainer` runs this file once the environment exists.
const describeWithTrainer = hasTrainerEnv ? describe : describe.skip;
if (!hasTrainerEnv)
  console.warn('skipping the self-hosted pipeline test: no .tools/trainer-venv (run `npm run setup:trainer`)');

/**
 * `provider: self-hosted` end to end with real parts: the Python trainer worker (a subprocess polling its own task
 * queue on the test Temporal server) trains a LoRA adapter on a tiny model built here; the development chat server
 * serves base + adapter to the evaluation; the gate passes and the registry records the adapter's digest.
 */
describeWithTrainer('provider: self-hosted, LoRA on the trainer worker', () => {
  let h: Harness;
  let dir: string;
  let trainer: PythonProcess;
  let server: PythonProcess;
  let servingUrl: string;
  const trainerQueue = uniqueTaskQueue('trainer');
  let loraTrainable: number | undefined;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-self-hosted-'));
    fs.writeFileSync(path.join(dir, 'chat.jsonl'), chatRows());
    runModule('tailor_trainer.tiny_model', ['--data', path.join(dir, 'chat.jsonl'), '--out', path.join(dir, 'tiny')]);
    h = await startHarness('self-hosted');
    // Outputs land in <TAILOR_HOME>/adapters (the provider's default), which the chat server serves by digest.
    [trainer, server] = await Promise.all([
      startModule(
        'tailor_trainer.worker',
        ['--address', testTemporalAddress(), '--task-queue', trainerQueue],
        /polling task queue/,
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

  it(
    'trains, evaluates through the chat server, passes ' + 'the gate and registers the adapter with its sha256',
    async () => {
      const spec = path.join(dir, 'pipeline.yaml');
      fs.writeFileSync(
        spec,
        stringify({
          name: 'self-hosted-lora',
          baseModel: 'tiny-base',
          provider: {
            type: 'self-hosted',
            taskQueue: trainerQueue,
            baseModelPath: path.join(dir, 'tiny'),
            peft: { lora: LORA },
            servingBaseUrl: servingUrl,
            training: { maxSteps: 40, learningRate: 2e-2, checkpointEvery: 20 },
          },
          dataset: {
            path: path.join(dir, 'chat.jsonl'),
            format: 'chat',
            split: { validation: 0.1, test: 0.2, seed: 'self-hosted' },
          },
          baselines: { zeroShot: true },
          fineTune: { method: { type: 'supervised', hyperparameters: { batch_size: 8 } } },
          evaluation: { metric: 'exact_match', concurrency: 2 },
          gate: { minImprovement: 0.5 },
          deploy: { alias: 'prod', approval: 'auto', smoke: { examples: 4, tolerance: 0.5 } },
        }),
      );
      const { handle } = await startPipeline(h.client, loadSpec(spec), { taskQueue: h.taskQueue });
      const result = await handle.result();
      loraTrainable = result.fineTune!.selfHosted!.trainableParams;

      const ft = result.fineTune!;
      expect(ft.model).toMatch(/^self-hosted:tiny-base:[0-9a-f]{12}$/);
      const trained = ft.selfHosted!;
      expect(ft.model.endsWith(trained.adapterSha256.slice(0, 12))).toBe(true);
      expect(trained).toMatchObject({ method: 'lora', steps: 40, resumedFromStep: 0 });
      // LoRA trains a small fraction of the weights.
      expect(trained.trainableParams).toBeGreaterThan(0);
      expect(trained.trainableParams / trained.totalParams).toBeLessThan(0.2);
      expect(fs.existsSync(path.join(trained.adapterPath, 'adapter_config.json'))).toBe(true);
      expect(ft.finalTrainLoss).not.toBeNull();

      // Both the base and the adapter were scored by the chat server, which now lists the adapter it loaded.
      const score = (id: string) => result.leaderboard.find((s) => s.variantId === id)!.score;
      expect(result.leaderboard.map((s) => s.variantId).sort()).toEqual(['base-zero-shot', 'fine-tuned']);
      expect(score('base-zero-shot')).toBe(0); // random weights: byte noise
      expect(score('fine-tuned')).toBeGreaterThanOrEqual(0.75); // the adapter answers as trained
      const listed = (await (await fetch(`${servingUrl}/models`)).json()) as { data: { id: string }[] };
      expect(listed.data.map((m) => m.id)).toEqual(['tiny-base', ft.model]);

      expect(result.gate.passed).toBe(true);
      expect(result.deploy.outcome).toBe('promoted');
      const registry = new Registry(path.join(h.home, 'registry.db'));
      try {
        expect(registry.resolveAlias('self-hosted-lora', 'prod')).toBe(ft.model);
        expect(registry.listModels('self-hosted-lora')).toHaveLength(1);
        expect(registry.getModel(ft.model)).toMatchObject({
          provider: 'self-hosted',
          baseModel: 'tiny-base',
          details: {
            method: 'lora',
            adapterSha256: trained.adapterSha256,
            baseModelPath: path.join(dir, 'tiny'),
            hyperparameters: expect.objectContaining({
              peft: expect.objectContaining({ rank: 4, alpha: 8 }),
              max_steps: 40,
            }),
          },
        });
      } finally {
        registry.close();
      }
    },
  );
  it(
    'full fine-tuning through the same pipeline trains ' + 'every weight; LoRA trained a small fraction of them',
    async () => {
      const spec = writeSelfHostedSpec(dir, {
        name: 'self-hosted-full',
        trainerQueue,
        servingUrl,
        peft: 'full',
        training: { maxSteps: 40, learningRate: 2e-3, checkpointEvery: 20 },
      });
      const { handle } = await startPipeline(h.client, loadSpec(spec), { taskQueue: h.taskQueue });
      const result = await handle.result();
      const trained = result.fineTune!.selfHosted!;
      expect(trained).toMatchObject({ method: 'full', steps: 40 });
      expect(trained.trainableParams).toBe(trained.totalParams);
      // The full output is a model folder the chat server serves by digest: the fine-tuned variant was scored.
      expect(fs.existsSync(path.join(trained.adapterPath, 'config.json'))).toBe(true);
      expect(result.leaderboard.map((s) => s.variantId)).toContain('fine-tuned');
      expect(loraTrainable).toBeDefined();
      console.log(
        `trainable parameters: full ${trained.trainableParams}, LoRA ${loraTrainable} (` +
          `${((100 * loraTrainable!) / trained.trainableParams).toFixed(1)}%)`,
      );
      expect(loraTrainable! / trained.trainableParams).toBeLessThan(0.1);
    },
  );
});
