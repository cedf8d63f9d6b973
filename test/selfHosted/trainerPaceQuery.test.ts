import { Context } from '@temporalio/activity';
import { Worker } from '@temporalio/worker';
import { SelfHostedProviderSchema } from '../../core/spec/providerSpec';
import { FineTuneMethodSchema } from '../../core/fineTune/fineTuneMethod';
import type { TrainerRequest, TrainerResult } from '../../core/fineTune/selfHosted';
import type { FineTuneInput, TrainerProgress } from '../../core/pipeline/fineTuneTypes';
import { fineTuneLine } from '../../cli/stack/fineTuneLine';
import { fineTuneWorkflow } from '../../workflows/fineTuneWorkflow';
import { fineTuneProgressQuery, trainerProgressSignal } from '../../workflows/messages';
import { exampleTrainingArtifact } from '../support/backendAdmin';
import { useHarness } from '../support/pipelineHarness';
import { connectTestWorker, eventually, uniqueTaskQueue } from '../support/temporal';

/**
 * The trainer's pace (tokens/s, ETA) reaches `tailor run --wait` and `tailor status` through the `trainerProgress`
 * signal and the fine-tune workflow's progress query. A stand-in `trainSupervised` activity on the trainer's queue
 * sends the report the Python trainer sends, then holds until the test has read the query: nothing races the clock.
 */
describe('self-hosted training progress carries tokens/s and an ETA', () => {
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  const h = useHarness('trainer-pace', { timeoutMs: 60_000, beforeClose: () => release() });

  it('the fineTuneProgress query returns the fields the trainer reported', async () => {
    const trainerQueue = uniqueTaskQueue('trainer-pace');
    const report: TrainerProgress = {
      step: 7,
      maxSteps: 40,
      loss: 0.8123,
      lr: 1e-4,
      checkpoint: null,
      attempt: 1,
      source: 'stand-in:1',
      seq: 1,
      at: 1_700_000_000,
      tokensPerSecond: 52.5,
      etaSeconds: 154,
    };
    const trainSupervised = async (req: TrainerRequest): Promise<TrainerResult> => {
      const wf = Context.current().info.workflowExecution!;
      await h.client.workflow.getHandle(wf.workflowId, wf.runId).signal(trainerProgressSignal, report);
      await held;
      return {
        outputDir: req.outputDir,
        sha256: 'a'.repeat(64),
        method: 'lora',
        baseModelPath: req.baseModelPath,
        trainableParams: 1,
        totalParams: 2,
        steps: 40,
        resumedFromStep: 0,
        stopped: false,
        losses: [0.5],
        hyperparameters: {},
      };
    };
    const connection = await connectTestWorker();
    const trainer = await Worker.create({ connection, taskQueue: trainerQueue, activities: { trainSupervised } });
    const running = trainer.run();
    try {
      const runTag = `pace-${Date.now()}`;
      const input: FineTuneInput = {
        runTag,
        pipeline: 'pace',
        datasetSha256: 'b'.repeat(64),
        model: 'stand-in-base',
        train: await exampleTrainingArtifact(8),
        method: FineTuneMethodSchema.parse({ type: 'supervised' }),
        poll: { initial: '1s', max: '5s', factor: 2 },
        provider: SelfHostedProviderSchema.parse({
          type: 'self-hosted',
          taskQueue: trainerQueue,
          baseModelPath: '/models/stand-in',
          servingBaseUrl: 'http://127.0.0.1:9/v1',
        }),
      };
      const handle = await h.client.workflow.start(fineTuneWorkflow, {
        taskQueue: h.taskQueue,
        workflowId: runTag,
        args: [input],
      });
      const seen = await eventually('the trainer report in the progress query', async () => {
        const p = await handle.query(fineTuneProgressQuery);
        return p.trainer ? p : undefined;
      });
      expect(seen.phase).toBe('training');
      expect(seen.trainer).toMatchObject({ step: 7, maxSteps: 40, tokensPerSecond: 52.5, etaSeconds: 154 });
      expect(fineTuneLine(seen)).toBe('trainer step 7/40 loss 0.812, 53 tokens/s, ETA 2 min 34 s');
      release();
      expect((await handle.result()).selfHosted).toMatchObject({ steps: 40 });
    } finally {
      release();
      trainer.shutdown();
      await running;
      await connection.close();
    }
  }, 60_000);
});
