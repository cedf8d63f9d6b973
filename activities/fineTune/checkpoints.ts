import type { Checkpoint } from '../../core/fineTune/bestCheckpoint';
import type { ProviderSpec } from '../../core/spec/providerSpec';
import { providerClient } from '../../providers/openai/client';
import { callProvider } from '../../providers/openai/errors';

/**
 * A finished job's checkpoints (OpenAI keeps the last three epochs'), each as the model name it is served under and
 * its step, in step order. Read-only, so a retry repeats it safely.
 */
export async function listJobCheckpoints(input: { jobId: string; provider?: ProviderSpec }): Promise<Checkpoint[]> {
  const client = providerClient(input.provider);
  const page = await callProvider('list job checkpoints', (opts) =>
    client.fineTuning.jobs.checkpoints.list(input.jobId, { limit: 100 }, opts),
  );
  return page.data
    .map((c) => ({ model: c.fine_tuned_model_checkpoint, step: c.step_number }))
    .sort((a, b) => a.step - b.step);
}
