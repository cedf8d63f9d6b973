import type { ProviderSpec } from '../../config/providerSpec';
import type OpenAI from 'openai';
import type { FineTuneMethod } from '../../config/pipelineSpec';
import { providerClient } from '../../providers/openai/client';
import { callProvider } from '../../providers/openai/errors';

export interface CreateJobInput {
  runTag: string;
  pipeline: string;
  datasetSha256: string;
  model: string;
  trainingFileId: string;
  validationFileId?: string;
  method: FineTuneMethod;
  suffix?: string;
  seed?: number;
  provider?: ProviderSpec;
}

/** The metadata key that ties a remote job to exactly one run and step. */
export const RUN_TAG_KEY = 'tailor_run';

/**
 * Creates the fine-tuning job for this run, or returns the one that already carries the run's tag (DESIGN
 * invariant 3). Attempts of one activity never overlap, so list-then-create cannot race with itself.
 */
export async function findOrCreateJob(input: CreateJobInput): Promise<{ jobId: string; created: boolean }> {
  const client = providerClient(input.provider);
  const found = await callProvider('look up fine-tuning job by run tag', async () => {
    for await (const job of client.fineTuning.jobs.list({ metadata: { [RUN_TAG_KEY]: input.runTag }, limit: 100 })) {
      if (job.metadata?.[RUN_TAG_KEY] === input.runTag) return job;
    }
    return undefined;
  });
  if (found) return { jobId: found.id, created: false };
  const job = await callProvider('create fine-tuning job', () =>
    client.fineTuning.jobs.create({
      model: input.model,
      training_file: input.trainingFileId,
      validation_file: input.validationFileId,
      suffix: input.suffix,
      seed: input.seed,
      metadata: {
        [RUN_TAG_KEY]: input.runTag,
        tailor_pipeline: input.pipeline,
        tailor_dataset_sha256: input.datasetSha256,
      },
      method: toProviderMethod(input.method),
    }),
  );
  return { jobId: job.id, created: true };
}

function toProviderMethod(method: FineTuneMethod): OpenAI.FineTuning.JobCreateParams['method'] {
  switch (method.type) {
    case 'supervised':
      return { type: 'supervised', supervised: { hyperparameters: method.hyperparameters } };
    case 'dpo':
      // supervisedFirst is Tailor's own stage (a separate job before this one), not part of OpenAI's method object.
      return { type: 'dpo', dpo: { hyperparameters: method.hyperparameters } };
    case 'reinforcement':
      return {
        type: 'reinforcement',
        // The grader's shape is OpenAI's; validated against their formats by the evaluation engine, passed through here.
        reinforcement: { grader: method.grader as never, hyperparameters: method.hyperparameters as never },
      };
  }
}
