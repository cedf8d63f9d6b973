import { startPipeline } from '../cli/stack/startPipeline';
import { loadSpec } from '../config/loadSpec';
import { jobsTagged, sdk } from './support/backendAdmin';
import { writeTicketPreferences } from './support/dpoDataset';
import { useHarness } from './support/pipelineHarness';
import { exampleSpecWith } from './support/specFiles';

/** DPO in OpenAI's recommended order: a supervised stage on the preferred answers, then DPO from that model. */
describe('customizationPipeline with a DPO method and a supervised stage first', () => {
  const h = useHarness('pipeline-dpo');

  it(
    'runs SFT on the preferred answers, then DPO from the ' + 'SFT model, and scores it on the same held-out split',
    async () => {
      const spec = exampleSpecWith({
        name: 'tickets-dpo',
        dataset: { path: writeTicketPreferences(), format: 'dpo', split: { validation: 0.1, test: 0.2, seed: 'dpo' } },
        baselines: { zeroShot: true },
        fineTune: {
          method: { type: 'dpo', hyperparameters: { n_epochs: 2, beta: 0.1 }, supervisedFirst: { n_epochs: 3 } },
          suffix: 'dpo',
          poll: { initial: '300ms', max: '3s', factor: 2 },
        },
      });
      const { handle, runId } = await startPipeline(h.client, loadSpec(spec), { taskQueue: h.taskQueue, rerun: true });
      const result = await handle.result();
      const api = sdk(h.backend.baseURL);
      const [sftJob] = await jobsTagged(api, `${runId}/fine-tune-sft`);
      const [dpoJob] = await jobsTagged(api, `${runId}/fine-tune`);
      expect(sftJob?.method?.type).toBe('supervised');
      expect(dpoJob?.method?.type).toBe('dpo');
      expect(dpoJob?.model).toBe(sftJob?.fine_tuned_model); // DPO started from the SFT model
      expect(result.fineTune!.model).toBe(dpoJob?.fine_tuned_model);
      const score = (id: string) => result.leaderboard.find((s) => s.variantId === id)!.score;
      expect(score('fine-tuned')).toBeGreaterThan(score('base-zero-shot'));
      expect(result.deploy.outcome).toBe('promoted');
    },
  );
});
