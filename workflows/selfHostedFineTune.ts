import { ActivityCancellationType, ApplicationFailure, CancellationScope, condition, isCancellation, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { SelfHostedProvider } from '../config/providerSpec';
import { runSlug, selfHostedModelId, trainerRequest, trainingAllowanceMs, trainingCostUsd, TRAINER_ACTIVITIES, type TrainerRequest, type TrainerResult } from '../core/fineTune/selfHosted';
import type { FineTuneInput, FineTuneProgress, FineTuneResult } from '../core/pipeline/fineTuneTypes';
import { activityProxies } from './activityProxies';
import { trainerProgressSignal } from './messages';

/** The Python trainer's activities, by the names it registers (workers/trainer/tailor_trainer/activities.py). */
type TrainerActivities = Record<(typeof TRAINER_ACTIVITIES)[keyof typeof TRAINER_ACTIVITIES], (req: TrainerRequest) => Promise<TrainerResult>>;

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
  const request = trainerRequest(provider, method, paths, input.seed);
  let result: TrainerResult | undefined;
  // Training time is counted on the workflow clock, per round (a resume starts a round), paused time excluded.
  const allowanceMs = trainingAllowanceMs(input.budgetLeftUsd, provider.usdPerHour);
  let trainedMs = 0;
  const account = (roundStart: number) => {
    trainedMs += Date.now() - roundStart;
    progress.trainingMs = trainedMs;
    progress.spentUsd = trainingCostUsd(trainedMs, provider.usdPerHour);
  };
  while (!result) {
    const scope = new CancellationScope();
    let pausing = false;
    let overBudget = false;
    const roundStart = Date.now();
    // The budget as a durable timer: when it fires, the trainer stops at its next step and keeps its checkpoints.
    const budgetTimer = new CancellationScope();
    if (allowanceMs !== undefined) {
      void budgetTimer
        .run(() => sleep(Math.max(1, allowanceMs - trainedMs)))
        .then(() => {
          if (result) return;
          overBudget = true;
          scope.cancel();
        })
        .catch(() => undefined);
    }
    // A pause cancels this attempt's scope: the trainer stops between steps and keeps its checkpoints.
    void condition(() => control.pending === 'pause')
      .then(() => {
        if (result) return;
        pausing = true;
        control.pending = undefined;
        scope.cancel();
      })
      .catch(() => undefined);
    try {
      result = await scope.run(() => trainer[TRAINER_ACTIVITIES[method.type]](request));
    } catch (err) {
      const cancelled = isCancellation(err) || CancellationScope.current().consideredCancelled;
      account(roundStart);
      if (overBudget && cancelled && !CancellationScope.current().consideredCancelled) {
        progress.phase = 'failed';
        throw ApplicationFailure.nonRetryable(
          `training used up the budget: ${(trainedMs / 60_000).toFixed(1)} min at $${provider.usdPerHour}/h is $${progress.spentUsd!.toFixed(4)}, ` +
            `the $${input.budgetLeftUsd!.toFixed(4)} that was left; the trainer stopped at a checkpoint (a re-run with a larger budget resumes from it)`,
          'BudgetExceeded',
          { spentUsd: progress.spentUsd, budgetLeftUsd: input.budgetLeftUsd },
        );
      }
      if (!pausing || !cancelled || CancellationScope.current().consideredCancelled) {
        progress.phase = cancelled ? 'cancelled' : 'failed';
        throw err;
      }
      progress.phase = 'paused';
      if (allowanceMs !== undefined) budgetTimer.cancel();
      await condition(() => control.pending === 'resume');
      control.pending = undefined;
      progress.phase = 'training';
      continue;
    }
    account(roundStart);
    if (allowanceMs !== undefined) budgetTimer.cancel();
  }
  const model = selfHostedModelId(input.model, result.sha256);
  if (provider.registerAdapters && result.method === 'lora') {
    await providerActivities.registerServedAdapter({ provider, model, adapterPath: result.outputDir });
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
      ...(provider.usdPerHour !== undefined ? { costUsd: trainingCostUsd(trainedMs, provider.usdPerHour) } : {}),
    },
  };
}
