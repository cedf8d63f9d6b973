import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { SelfHostedProvider } from '../core/spec/providerSpec';
import {
  runSlug,
  selfHostedModelId,
  trainerRequest,
  trainingAllowanceMs,
  trainingCostUsd,
  TRAINER_ACTIVITIES,
  type TrainerRequest,
  type TrainerResult,
} from '../core/fineTune/selfHosted';
import type { FineTuneInput, FineTuneProgress, FineTuneResult } from '../core/pipeline/fineTuneTypes';
import { SELF_HOSTED_CHECKPOINTS_KEPT, type TrainedCheckpoint } from '../core/fineTune/bestCheckpoint';
import { activityProxies } from './activityProxies';
import { trainerProgressSignal } from './fineTuneMessages';
import { Failure } from '../core/failures/failureTypes';
import { retryPolicy } from '../core/activityOptions/activityTimeouts';
import { durationMs } from '../core/spec/durationMs';

/** The Python trainer's activities, by the names it registers (workers/trainer/tailor_trainer/activities.py). */
type TrainerActivities = Record<
  (typeof TRAINER_ACTIVITIES)[keyof typeof TRAINER_ACTIVITIES],
  (req: TrainerRequest) => Promise<TrainerResult>
>;

/** The fine-tune workflow's pause/resume requests; the latest wins. */
export interface TrainingControl {
  pending?: 'pause' | 'resume';
}

/**
 * A fine-tune on your own hardware: one long activity on the trainer's task queue. It heartbeats every few steps with
 * its last checkpoint, so a lost worker is noticed within the heartbeat timeout and the retry resumes from there.
 * Cancelling waits for the trainer to stop between steps (the checkpoints stay for a later run). Pausing does the
 * same and waits for `resume`; the next activity starts from the newest checkpoint the trainer left.
 */
export async function selfHostedFineTune(
  input: FineTuneInput,
  provider: SelfHostedProvider,
  progress: FineTuneProgress,
  control: TrainingControl,
): Promise<FineTuneResult> {
  setHandler(trainerProgressSignal, (report) => {
    const last = progress.trainer;
    // Reports from one trainer process carry increasing seq; another process (a retry, a resume) starts afresh.
    if (!last || report.source !== last.source || report.seq > last.seq) progress.trainer = report;
  });
  const { dataActivities, providerActivities } = activityProxies(input.timeouts);
  const method = input.method;
  if (method.type === 'reinforcement') {
    throw ApplicationFailure.nonRetryable(
      'fineTune.method.type: reinforcement is not supported by provider self-hosted (expected supervised or dpo)',
      Failure.UnsupportedMethod,
    );
  }
  if (input.model.startsWith('self-hosted:')) {
    // A trained LoRA adapter is not a base model folder the trainer can start from.
    throw ApplicationFailure.nonRetryable(
      'fineTune.method.supervisedFirst: not supported by provider self-hosted yet (train the supervised ' +
        'stage as its own run)',
      Failure.UnsupportedMethod,
    );
  }
  const paths = await dataActivities.selfHostedTrainingPaths({
    train: input.train,
    runTag: input.runTag,
    adaptersDir: provider.adaptersDir,
  });
  progress.trainingFileId = input.train.uri;
  progress.phase = 'training';
  const trainer = proxyActivities<TrainerActivities>({
    taskQueue: provider.taskQueue,
    // Training may take hours; liveness is judged by the heartbeat, not by this bound.
    startToCloseTimeout: '7 days',
    heartbeatTimeout: durationMs(provider.training.heartbeatTimeout ?? '2 minutes'),
    retry: retryPolicy('training'),
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  const request = trainerRequest(provider, input.model, method, paths, input.seed);
  if (input.checkpoints === 'best') request.hyperparameters.evalCheckpoints = SELF_HOSTED_CHECKPOINTS_KEPT;
  // Training time is counted on the workflow clock, per round (a resume starts a round), paused time excluded.
  const allowanceMs = trainingAllowanceMs(input.budgetLeftUsd, provider.usdPerHour);
  let trainedMs = 0;
  let result: TrainerResult;
  for (;;) {
    const roundStart = Date.now();
    const end = await trainingRound(
      () => trainer[TRAINER_ACTIVITIES[method.type]](request),
      control,
      allowanceMs === undefined ? undefined : allowanceMs - trainedMs,
      progress,
    );
    trainedMs += Date.now() - roundStart;
    progress.trainingMs = trainedMs;
    progress.spentUsd = trainingCostUsd(trainedMs, provider.usdPerHour);
    if ('result' in end) {
      result = end.result;
      break;
    }
    if (end.stopped === 'budget') {
      progress.phase = 'failed';
      throw ApplicationFailure.nonRetryable(
        `training used up the budget: ${(trainedMs / 60_000).toFixed(1)} min at $${provider.usdPerHour}/h is ` +
          `$${progress.spentUsd.toFixed(4)}, ` +
          `the $${input.budgetLeftUsd!.toFixed(4)} that was left; the trainer stopped at a checkpoint (a ` +
          `re-run with a larger budget resumes from it)`,
        Failure.BudgetExceeded,
        { spentUsd: progress.spentUsd, budgetLeftUsd: input.budgetLeftUsd },
      );
    }
    progress.phase = 'paused';
    await condition(() => control.pending === 'resume');
    control.pending = undefined;
    progress.phase = 'training';
  }
  const model = selfHostedModelId(input.model, result.sha256);
  const checkpoints: TrainedCheckpoint[] = (result.checkpoints ?? []).map((c) => ({
    model: selfHostedModelId(input.model, c.sha256),
    step: c.step,
    sha256: c.sha256,
    path: c.outputDir,
  }));
  if (provider.registerAdapters && result.method === 'lora') {
    await providerActivities.registerServedAdapter({ provider, model, adapterPath: result.outputDir });
    // Each kept checkpoint is scored as a model of its own (the last one is the output itself).
    for (const c of checkpoints.filter((c) => c.sha256 !== result.sha256)) {
      await providerActivities.registerServedAdapter({ provider, model: c.model, adapterPath: c.path });
    }
  }
  const metrics = await dataActivities.storeJson({
    name: `${runSlug(input.runTag)}-metrics.json`,
    value: { losses: result.losses, steps: result.steps, resumedFromStep: result.resumedFromStep },
  });
  progress.phase = 'done';
  return {
    jobId: input.runTag,
    model,
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
      trainingMs: trainedMs,
      ...(provider.usdPerHour !== undefined ? { costUsd: progress.spentUsd } : {}),
    },
    ...(checkpoints.length ? { trainedCheckpoints: checkpoints } : {}),
  };
}

/**
 * One round of training: the activity, until it returns, or a pause request or the budget's durable timer stops it
 * (the trainer stops at its next step and keeps its checkpoints). A cancellation of the run or a failure is thrown.
 */
async function trainingRound(
  train: () => Promise<TrainerResult>,
  control: TrainingControl,
  allowanceMs: number | undefined,
  progress: FineTuneProgress,
): Promise<{ result: TrainerResult } | { stopped: 'pause' | 'budget' }> {
  const scope = new CancellationScope();
  let finished = false;
  let stopped: 'pause' | 'budget' | undefined;
  const stop = (why: 'pause' | 'budget') => {
    if (finished) return false;
    stopped = why;
    scope.cancel();
    return true;
  };
  const budgetTimer = new CancellationScope();
  if (allowanceMs !== undefined) {
    void budgetTimer
      .run(() => sleep(Math.max(1, allowanceMs)))
      .then(() => stop('budget'))
      .catch(() => undefined);
  }
  void condition(() => control.pending === 'pause')
    .then(() => {
      if (stop('pause')) control.pending = undefined;
    })
    .catch(() => undefined);
  try {
    const result = await scope.run(train);
    finished = true;
    budgetTimer.cancel();
    return { result };
  } catch (err) {
    finished = true;
    const cancelled = isCancellation(err) || CancellationScope.current().consideredCancelled;
    if (stopped && cancelled && !CancellationScope.current().consideredCancelled) {
      if (stopped === 'pause') budgetTimer.cancel();
      return { stopped };
    }
    progress.phase = cancelled ? 'cancelled' : 'failed';
    throw err;
  }
}
