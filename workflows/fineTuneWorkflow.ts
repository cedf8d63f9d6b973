import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { FineTuneInput, FineTuneProgress, FineTuneResult, JobSnapshot } from '../core/pipeline/fineTuneTypes';
import { TERMINAL_JOB_STATUSES } from '../core/pipeline/fineTuneTypes';
import { activityProxies } from './activityProxies';
import { fineTuneProgressQuery, pauseFineTuneSignal, resumeFineTuneSignal } from './fineTuneMessages';
import { selfHostedFineTune } from './selfHostedFineTune';
import { Failure } from '../core/failures/failureTypes';
import { durationMs } from '../core/spec/durationMs';

/**
 * One fine-tune, durable: upload (deduplicated by content), wait for the files, find-or-create exactly one job
 * tagged with this run, then poll with durable timers and backoff. Cancelling this workflow cancels the remote job.
 */
export async function fineTuneWorkflow(input: FineTuneInput): Promise<FineTuneResult> {
  const { dataActivities, providerActivities, uploadActivities } = activityProxies(input.timeouts);
  const progress: FineTuneProgress = { phase: 'uploading', polls: 0 };
  setHandler(fineTuneProgressQuery, () => progress);
  // The latest request wins; one that arrives before the job exists is applied once it does.
  const control: { pending?: 'pause' | 'resume' } = {};
  setHandler(pauseFineTuneSignal, () => void (control.pending = 'pause'));
  setHandler(resumeFineTuneSignal, () => void (control.pending = 'resume'));
  // Your own hardware: the trainer's task queue instead of a provider job (only this provider type takes this branch,
  // so histories of every other provider replay unchanged).
  if (input.provider?.type === 'self-hosted') return selfHostedFineTune(input, input.provider, progress, control);
  const initial = durationMs(input.poll.initial);
  const max = durationMs(input.poll.max);

  const train = await uploadActivities.uploadTrainingFile({ artifact: input.train, provider: input.provider });
  progress.trainingFileId = train.fileId;
  const validation =
    input.validation && input.validation.count
      ? await uploadActivities.uploadTrainingFile({ artifact: input.validation, provider: input.provider })
      : undefined;
  progress.validationFileId = validation?.fileId;

  progress.phase = 'waiting_for_files';
  for (const fileId of [train.fileId, ...(validation ? [validation.fileId] : [])]) {
    let wait = Math.min(initial, 1000);
    for (;;) {
      const f = await providerActivities.getFileStatus({ fileId, provider: input.provider });
      if (f.status === 'processed') break;
      if (f.status === 'error') {
        throw ApplicationFailure.nonRetryable(
          `the provider rejected file ${fileId}: ${f.details ?? 'no reason given'}`,
          Failure.ProviderFileError,
        );
      }
      await sleep(wait);
      wait = Math.min(wait * input.poll.factor, max);
    }
  }

  progress.phase = 'creating_job';
  const create = () =>
    providerActivities.findOrCreateJob({
      runTag: input.runTag,
      pipeline: input.pipeline,
      datasetSha256: input.datasetSha256,
      model: input.model,
      trainingFileId: train.fileId,
      validationFileId: validation?.fileId,
      method: input.method,
      suffix: input.suffix,
      seed: input.seed,
      provider: input.provider,
    });
  // A cancel that arrives while the job is being created waits for the create to finish: the job it returns is then
  // cancelled below (the first status check sees the cancellation), instead of being left training unseen.
  const uncancellable = patched('create-job-uncancellable');
  const { jobId } = uncancellable ? await CancellationScope.nonCancellable(create) : await create();

  progress.phase = 'training';
  let job: JobSnapshot;
  try {
    job = await pollUntilDone(input, jobId, progress, control, initial, max);
  } catch (err) {
    if (isCancellation(err)) {
      progress.phase = 'cancelled';
      // The remote job must stop too, even though this scope is cancelled.
      // The run's tag reaches any other job a late-accepted create left, so nothing of this run trains on.
      await CancellationScope.nonCancellable(() =>
        providerActivities.cancelJob({ jobId, runTag: input.runTag, provider: input.provider }),
      );
    }
    throw err;
  }
  if (patched('settle-duplicates')) {
    // A create or upload the provider accepted after its attempt gave up may have landed at any time: remove it now.
    const files = [{ artifact: input.train, fileId: train.fileId }];
    if (validation && input.validation) files.push({ artifact: input.validation, fileId: validation.fileId });
    await providerActivities.settleRunDuplicates({ runTag: input.runTag, jobId, files, provider: input.provider });
  }

  if (job.status !== 'succeeded' || !job.fineTunedModel) {
    progress.phase = 'failed';
    const why = job.error
      ? `${job.error.message}${job.error.code ? ` (${job.error.code})` : ''}`
      : `ended ${job.status}`;
    throw ApplicationFailure.nonRetryable(
      `fine-tuning job ${jobId} ${job.status}: ${why}`,
      Failure.FineTuneJobFailed,
      job,
    );
  }
  const metrics = await dataActivities.saveJobMetrics({ jobId, provider: input.provider });
  progress.phase = 'done';
  return {
    jobId,
    model: job.fineTunedModel,
    trainingFileId: train.fileId,
    validationFileId: validation?.fileId,
    trainedTokens: job.trainedTokens,
    metrics,
    finalTrainLoss: job.trainLoss,
    finalValidLoss: job.validLoss,
  };
}

/**
 * Status checks with durable timers: the wait grows while nothing changes and resets when the job moves. A pause or
 * resume request interrupts the wait and is passed to the provider before the next check.
 */
async function pollUntilDone(
  input: FineTuneInput,
  jobId: string,
  progress: FineTuneProgress,
  control: { pending?: 'pause' | 'resume' },
  initial: number,
  max: number,
): Promise<JobSnapshot> {
  const { providerActivities } = activityProxies(input.timeouts);
  const factor = input.poll.factor;
  let wait = initial;
  let lastSeen = '';
  for (;;) {
    const job = await providerActivities.getJobStatus({ jobId, runTag: input.runTag, provider: input.provider });
    progress.job = job;
    // Another job with the run's tag (a create accepted after its attempt gave up): cancel it while it is cheap.
    if (job.duplicates?.length) {
      const { runTag, provider } = input;
      await providerActivities.settleRunDuplicates({ runTag, jobId, files: [], provider });
    }
    progress.polls++;
    if (TERMINAL_JOB_STATUSES.includes(job.status)) return job;
    const seen = `${job.status}:${job.step ?? ''}`;
    wait = seen !== lastSeen ? initial : Math.min(wait * factor, max);
    lastSeen = seen;
    progress.nextPollInMs = wait;
    await condition(() => control.pending !== undefined, wait);
    const action = control.pending;
    if (action) {
      control.pending = undefined;
      await providerActivities.pauseOrResumeJob({ jobId, action, provider: input.provider });
      wait = initial;
    }
  }
}
