import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { ArtifactStore } from '../../stores/artifacts/artifactStore';
import { Registry } from '../../stores/registry/registryDb';
import { startPipeline } from '../../cli/stack/startPipeline';
import { loadSpec } from '../../config/loadSpec';
import { runSlug } from '../../core/fineTune/selfHosted';
import type { CaseResult } from '../../core/evalSuite/caseResult';
import type { FineTuneProgress } from '../../core/pipeline/fineTuneTypes';
import type { PipelineResult } from '../../core/pipeline/pipelineTypes';
import { mcnemarExact } from '../../core/stats/mcnemar';
import { fineTuneProgressQuery } from '../../workflows/messages';
import { startHarness, type Harness } from '../support/pipelineHarness';
import { eventually, testTemporalAddress, uniqueTaskQueue } from '../support/temporal';
import { hasTrainerEnv, startModule, TRAINER_DIR, TRAINER_PYTHON, type PythonProcess } from './trainerProcesses';

const MODEL = 'smollm2-135m-instruct';
const TICKETS = path.join(__dirname, '..', '..', 'examples', 'support-tickets-llm', 'data', 'tickets.jsonl');

/** The catalogue model is converted (`npm run setup:trainer`): `catalog path` prints its folder, else fails. */
function modelReady(): boolean {
  if (!hasTrainerEnv) return false;
  const r = spawnSync(TRAINER_PYTHON, ['-m', 'tailor_trainer.catalog', 'path', MODEL], {
    cwd: TRAINER_DIR,
    env: { ...process.env, PYTHONPATH: TRAINER_DIR },
    encoding: 'utf8',
  });
  return r.status === 0;
}
const ready = modelReady();
if (!ready) console.warn(`skipping the real-model tests: ${MODEL} is not installed (run \`npm run setup:trainer\`)`);
const describeWithModel = ready ? describe : describe.skip;

interface Line {
  messages: { role: string; content: string }[];
  metadata: { template: string };
}

/** The example's tickets from `templatesPerLabel` templates of each label, `perTemplate` of each, in file order. */
function subset(templatesPerLabel: number, perTemplate: number): string {
  const taken = new Map<string, number>();
  const out: string[] = [];
  for (const raw of fs.readFileSync(TICKETS, 'utf8').split('\n').filter(Boolean)) {
    const t = (JSON.parse(raw) as Line).metadata.template;
    if (Number(t.split('-').pop()) > templatesPerLabel || (taken.get(t) ?? 0) >= perTemplate) continue;
    taken.set(t, (taken.get(t) ?? 0) + 1);
    out.push(raw);
  }
  return out.join('\n') + '\n';
}

/**
 * SmolLM2-135M-Instruct, the catalogue's real model, through the same workflows a user runs: the Python trainer
 * worker trains a LoRA adapter (r 16 on q/k/v/o, one epoch), the chat server serves the base model and every
 * registered adapter, and the pipeline evaluates both on tickets from templates training never saw.
 */
describeWithModel(`a real model (${MODEL}) through the journey`, () => {
  let h: Harness;
  let dir: string;
  let server: PythonProcess;
  let servingUrl: string;
  const trainers: PythonProcess[] = [];
  const trainerQueue = uniqueTaskQueue('trainer-real');
  const startTrainer = async () => {
    const t = await startModule(
      'tailor_trainer.worker',
      ['--address', testTemporalAddress(), '--task-queue', trainerQueue, '--progress-every', '0.5'],
      /polling task queue/,
    );
    trainers.push(t);
    return t;
  };

  const writeSpec = (
    name: string,
    data: string,
    over: { test: number; maxSteps?: number; checkpointEvery: number; smoke: number },
  ) => {
    fs.writeFileSync(path.join(dir, `${name}.jsonl`), data);
    const file = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(
      file,
      stringify({
        name,
        baseModel: MODEL,
        provider: {
          type: 'self-hosted',
          taskQueue: trainerQueue,
          servingBaseUrl: servingUrl,
          registerAdapters: true,
          peft: {
            lora: { rank: 16, alpha: 32, dropout: 0.05, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] },
          },
          training: {
            learningRate: 1e-3,
            checkpointEvery: over.checkpointEvery,
            maxLength: 128,
            heartbeatTimeout: '30s',
            ...(over.maxSteps ? { maxSteps: over.maxSteps } : {}),
          },
        },
        dataset: {
          path: path.join(dir, `${name}.jsonl`),
          format: 'chat',
          split: { validation: 0, test: over.test, seed: name, groupBy: 'metadata.template' },
        },
        baselines: { zeroShot: true },
        fineTune: { method: { type: 'supervised', hyperparameters: { n_epochs: 1, batch_size: 8 } }, seed: 7 },
        evaluation: { metric: 'exact_match', concurrency: 8 },
        gate: { minImprovement: 0 },
        deploy: { alias: 'prod', approval: 'auto', smoke: { examples: over.smoke, tolerance: 0.5 } },
        // A loaded 2-core machine can spend minutes on one batch of answers: not a lost worker.
        timeouts: { evalShard: { heartbeat: '10 minutes' }, evaluation: { heartbeat: '10 minutes' } },
      }),
    );
    return loadSpec(file);
  };
  const outputsOf = async (result: PipelineResult, variant: string) => {
    const ref = result.leaderboard.find((s) => s.variantId === variant)!.outputs;
    return (await new ArtifactStore().readText(ref))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as CaseResult);
  };
  const linesOf = async (ref: { sha256: string }) =>
    (await new ArtifactStore().readText(ref))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-real-model-'));
    h = await startHarness('real-model');
    // No --adapters: the server answers for the base model and for what the pipeline registers (registerAdapters).
    const [, s] = await Promise.all([
      startTrainer(),
      startModule('tailor_trainer.chat_server', ['--base', MODEL, '--port', '0'], /listening on http:\S+/, 180_000),
    ]);
    server = s;
    servingUrl = /listening on (http:\S+)/.exec(server.output())![1]!;
  }, 240_000);
  afterAll(async () => {
    await Promise.all([...trainers.map((t) => t.stop()), server?.stop()]);
    await h?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the LoRA adapter beats base zero-shot on held-out templates (McNemar, computed from the cases)', async () => {
    const started = Date.now();
    // 6 labels × 6 templates × 3 tickets; whole templates held out: about 72 to train on, 36 held out.
    const loaded = writeSpec('real-lora', subset(6, 3), { test: 0.3, checkpointEvery: 100, smoke: 10 });
    const { handle } = await startPipeline(h.client, loaded, { taskQueue: h.taskQueue });
    const result = await handle.result();
    const took = (Date.now() - started) / 1000;

    const { train, test } = result.prepared.counts;
    expect(train).toBeLessThanOrEqual(80);
    expect(test).toBeLessThanOrEqual(40);
    const trainTemplates = new Set((await linesOf(result.prepared.train)).map((l) => l.metadata.template));
    const heldTemplates = new Set((await linesOf(result.prepared.test)).map((l) => l.metadata.template));
    expect([...heldTemplates].filter((t) => trainTemplates.has(t))).toEqual([]);

    // Pair the two variants' answers case by case and test the difference.
    const base = new Map((await outputsOf(result, 'base-zero-shot')).map((c) => [c.caseHash, c.status === 'pass']));
    const tuned = await outputsOf(result, 'fine-tuned');
    expect(tuned).toHaveLength(test);
    expect(base.size).toBe(test);
    const m = mcnemarExact(
      tuned.map((c) => c.status === 'pass'),
      tuned.map((c) => base.get(c.caseHash)!),
    );
    const acc = (id: string) => result.leaderboard.find((s) => s.variantId === id)!;
    const show = (id: string) =>
      `${acc(id).correct}/${acc(id).n} [${acc(id).interval.low.toFixed(2)}, ${acc(id).interval.high.toFixed(2)}]`;
    console.log(
      `real model, ${train} train / ${test} held out, one epoch: base zero-shot ${show('base-zero-shot')}, ` +
        `LoRA ${show('fine-tuned')}; ` +
        `McNemar b=${m.b} c=${m.c} p=${m.pValue.toPrecision(3)}; ${result.fineTune!.selfHosted!.steps} ` +
        `steps; run ${took.toFixed(0)} s`,
    );
    expect(m.c).toBeGreaterThan(m.b);
    expect(m.pValue).toBeLessThan(0.05);
    expect(result.deploy.outcome).toBe('promoted');
    // The deployed alias answers through the OpenAI-compatible endpoint.
    const res = await fetch(`${servingUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: result.deploy.model,
        messages: (await linesOf(result.prepared.test))[0]!.messages.slice(0, -1),
        max_tokens: 8,
        temperature: 0,
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { model: string; choices: { message: { content: string } }[] };
    expect(body.model).toBe(result.deploy.model);
    expect(body.choices[0]!.message.content.length).toBeGreaterThan(0);
  }, 1_200_000);

  it(
    'SIGKILL of the trainer during LoRA training: the ' + 'run completes with one adapter and one registry ' + 'entry',
    async () => {
      const first =
        trainers.find((t) => t.child.exitCode === null && t.child.signalCode === null) ?? (await startTrainer());
      // 6 labels × 2 templates × 3 tickets: ~18 to train on; maxSteps 6 outlasts the first checkpoint.
      const loaded = writeSpec('real-sigkill', subset(2, 3), { test: 0.25, maxSteps: 6, checkpointEvery: 2, smoke: 2 });
      const { handle, runId } = await startPipeline(h.client, loaded, { taskQueue: h.taskQueue });
      // Held by the trainer's own report: a checkpoint is on disk and training has not finished.
      const before = await eventually(
        'the first checkpoint',
        async () => {
          const p = (await h.client.workflow
            .getHandle(`${runId}/fine-tune`)
            .query(fineTuneProgressQuery)
            .catch(() => undefined)) as FineTuneProgress | undefined;
          return p?.trainer?.checkpoint ? p.trainer : undefined;
        },
        300_000,
      );
      expect(before.step).toBeLessThan(6);
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
      await startTrainer();

      const result = await handle.result();
      const trained = result.fineTune!.selfHosted!;
      console.log(
        `real model SIGKILL at step ${before.step}; resumed from step ${trained.resumedFromStep}, finished at ` +
          `${trained.steps}`,
      );
      expect(trained.resumedFromStep).toBeGreaterThanOrEqual(2);
      expect(trained.steps).toBe(6);
      const outputs = fs
        .readdirSync(path.join(h.home, 'adapters'))
        .filter((e) => !e.startsWith('.') && e.startsWith(runSlug(`real-sigkill`)));
      expect(outputs).toEqual([runSlug(`${runId}/fine-tune`)]);
      const registry = new Registry(path.join(h.home, 'registry.db'));
      try {
        expect(registry.listModels('real-sigkill').map((m) => m.model)).toEqual([result.fineTune!.model]);
      } finally {
        registry.close();
      }
    },
    900_000,
  );
});
