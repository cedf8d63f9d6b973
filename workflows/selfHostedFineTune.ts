import { ActivityCancellationType, ApplicationFailure, CancellationScope, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { SelfHostedProvider } from '../config/providerSpec';
import { runSlug, selfHostedModelId, trainerRequest, TRAINER_ACTIVITIES, type TrainerRequest, type TrainerResult } from '../core/fineTune/selfHosted';
import type { FineTuneInput, FineTuneProgress, FineTuneResult } from '../core/pipeline/fineTuneTypes';
import { activityProxies } from './activityProxies';

/** The Python trainer's activities, by the names it registers (workers/trainer/tailor_trainer/activities.py). */
type TrainerActivities = Record<(typeof TRAINER_ACTIVITIES)[keyof typeof TRAINER_ACTIVITIES], (req: TrainerRequest) => Promise<TrainerResult>>;

/**
 * A fine-tune on your own hardware: one long activity on the trainer's task queue. It heartbeats every few steps with
 * its last checkpoint, so a lost worker is noticed within the heartbeat timeout and the retry resumes from there.
 * Cancelling waits for the trainer to stop between steps (the checkpoints stay for a later run).
 */
export async function selfHostedFineTune(input: FineTuneInput, provider: SelfHostedProvider, progress: FineTuneProgress): Promise<FineTuneResult> {
  const { dataActivities } = activityProxies(input.timeouts);
  const method = input.method;
  if (method.type === 'reinforcement') {
    throw ApplicationFailure.nonRetryable('fineTune.method.type: reinforcement is not supported by provider self-hosted (expected supervised or dpo)', 'UnsupportedMethod');
  }
  if (input.model.startsWith('self-hosted:')) {
    // A trained LoRA adapter is not a base model folder the trainer can start from.
    throw ApplicationFailure.nonRetryable('fineTune.method.supervisedFirst: not supported by provider self-hosted yet (train the supervised stage as its own run)', 'UnsupportedMethod');
  }
  const paths = await dataActivities.selfHostedTrainingPaths({ train: input.train, runTag: input.runTag, adaptersDir: provider.adaptersDir });
  progress.trainingFileId = input.train.uri;
  progress.phase = 'training';
  const trainer = proxyActivities<TrainerActivities>({
    taskQueue: provider.taskQueue,
    // Training may take hours; liveness is judged by the heartbeat, not by this bound.
    startToCloseTimeout: '7 days',
    heartbeatTimeout: (provider.training.heartbeatTimeout ?? '2 minutes') as Duration,
    retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20, nonRetryableErrorTypes: ['InvalidTrainingRequest'] },
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  let result: TrainerResult;
  try {
    result = await trainer[TRAINER_ACTIVITIES[method.type]](trainerRequest(provider, method, paths, input.seed));
  } catch (err) {
    progress.phase = isCancellation(err) || CancellationScope.current().consideredCancelled ? 'cancelled' : 'failed';
    throw err;
  }
  const metrics = await dataActivities.storeJson({
    name: `${runSlug(input.runTag)}-metrics.json`,
    value: { losses: result.losses, steps: result.steps, resumedFromStep: result.resumedFromStep },
  });
  progress.phase = 'done';
  return {
    jobId: input.runTag,
    model: selfHostedModelId(input.model, result.sha256),
    trainingFileId: input.train.uri,
    trainedTokens: null,
    metrics,
    finalTrainLoss: result.losses.length ? result.losses[result.losses.length - 1]! : null,
    finalValidLoss: null,
    selfHosted: {
      method: result.method,
      baseModelPath: result.baseModelPath,
      adapterSha256: result.sha256,
      adapterPath: result.outputDir,
      trainableParams: result.trainableParams,
      totalParams: result.totalParams,
      steps: result.steps,
      resumedFromStep: result.resumedFromStep,
      hyperparameters: result.hyperparameters,
    },
  };
}
