import { ApplicationFailure, patched } from '@temporalio/workflow';
import { Failure } from '../../core/failures/failureTypes';
import type { PipelineRun, RunData } from './pipelineRun';

/**
 * Phase 1: prepare the dataset into splits, validate the train split against the method's limits, and check at
 * the provider that the models the run needs exist, all before anything is spent.
 */
export async function prepareAndValidate(run: PipelineRun): Promise<RunData> {
  const { spec, input, tracker, dataActivities } = run;
  run.stage('prepare');
  const prepared = await tracker.run(
    'prepare',
    // The bytes prepared must be the bytes the run is named after (an activity input only: replay-safe).
    () =>
      dataActivities.prepareDataset({
        dataset: spec.dataset,
        model: spec.baseModel,
        expectedSha256: input.datasetSha256,
        ...(input.datasetName ? { shownAs: input.datasetName } : {}),
      }),
    ({ counts: c }) => `${c.input} in → ${c.kept} kept (train ${c.train}, validation ${c.validation}, test ${c.test})`,
  );

  run.stage('validate');
  const method = spec.fineTune.method;
  const epochs = method.type !== 'reinforcement' ? method.hyperparameters.n_epochs : 'auto';
  const validation = await tracker.run(
    'validate',
    async () => {
      const v = await dataActivities.validateDataset({
        dataset: prepared.train,
        model: spec.baseModel,
        method: method.type,
        epochs: typeof epochs === 'number' ? epochs : undefined,
        limits: spec.dataset.limits,
      });
      if (!v.valid) {
        const counts = Object.entries(v.errors)
          .map(([k, n]) => `${k}: ${n}`)
          .join(', ');
        const message = `the training data is invalid (${counts}); report ${v.report.uri}`;
        throw ApplicationFailure.nonRetryable(message, Failure.InvalidDataset, v);
      }
      return v;
    },
    (v) =>
      `${v.examples} examples, ${v.tokens.total} tokens, ${v.estimate.epochs} epochs ≈ $${v.estimate.usd.toFixed(4)}`,
  );

  // Fail before spending: the model the gate compares against and the base model must exist at the provider.
  if (patched('preflight')) {
    const { name: pipeline, baseModel, provider } = spec;
    await run.providerActivities.preflightCheck({ pipeline, alias: spec.deploy.alias, baseModel, provider });
  }

  const { train, validation: validationSplit, test, manifest, counts } = prepared;
  const { valid, examples, tokens, estimate, warnings, report } = validation;
  return {
    prepared: { train, validation: validationSplit, test, manifest, counts },
    validation: { valid, examples, tokens, estimate, warnings, report },
  };
}
