import type { ProviderSpec } from '../../core/spec/providerSpec';
import type OpenAI from 'openai';
import type { FineTuneMethod } from '../../core/fineTune/fineTuneMethod';
import { providerClient } from '../../providers/openai/client';
import { callProvider } from '../../providers/openai/errors';
import { RUN_TAG_KEY, settleRunJobs } from './runDuplicates';

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

export { RUN_TAG_KEY } from './runDuplicates';

/**
 * Creates the fine-tuning job for this run, or returns the one that already carries the run's tag (see
 * docs/architecture.md, Exactly-once remote side effects). Attempts may overlap at the provider: a create the
 * worker gave up on (its request is aborted when the attempt ends) may still have been accepted. So every
 * attempt settles the run's jobs before creating and
 * again after: the oldest is kept, every other live one is cancelled and named in the result (and so the audit).
 */
export async function findOrCreateJob(
  input: CreateJobInput,
): Promise<{ jobId: string; created: boolean; cancelledJobIds: string[] }> {
  const client = providerClient(input.provider);
  const before = await settleRunJobs(client, input.runTag);
  if (before.kept) return { jobId: before.kept.id, created: false, cancelledJobIds: before.cancelledJobIds };
  const job = await callProvider('create fine-tuning job', (opts) =>
    client.fineTuning.jobs.create(
      {
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
      },
      opts,
    ),
  );
  // An earlier attempt's create may have landed meanwhile: the oldest wins, even over the job just created.
  const after = await settleRunJobs(client, input.runTag);
  const jobId = after.kept?.id ?? job.id;
  return { jobId, created: jobId === job.id, cancelledJobIds: after.cancelledJobIds };
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
        // The grader's shape is OpenAI's; validated against their formats by the evaluation engine, passed through
        // here.
        reinforcement: { grader: method.grader as never, hyperparameters: method.hyperparameters as never },
      };
  }
}
