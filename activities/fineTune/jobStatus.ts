import type { ProviderSpec } from '../../core/spec/providerSpec';
import type OpenAI from 'openai';
import { TERMINAL_JOB_STATUSES, type JobSnapshot, type JobStatus } from '../../core/pipeline/fineTuneTypes';
import { providerClient } from '../../providers/openai/client';
import { callProvider } from '../../providers/openai/errors';
import { jobsOfRun, settleRunJobs } from './runDuplicates';

const isTerminal = (status: string) => TERMINAL_JOB_STATUSES.includes(status as JobStatus);

const retrieveJob = (client: OpenAI, jobId: string) =>
  callProvider('retrieve fine-tuning job', (opts) => client.fineTuning.jobs.retrieve(jobId, opts));

/**
 * One status check: the job, its newest events (metrics) and its checkpoints, summarised for the workflow. With the
 * run's tag it also reports other live jobs carrying it (`duplicates`): a create the provider accepted late.
 */
export async function getJobStatus(input: {
  jobId: string;
  runTag?: string;
  provider?: ProviderSpec;
}): Promise<JobSnapshot> {
  const client = providerClient(input.provider);
  const job = await retrieveJob(client, input.jobId);
  const events = await callProvider('list job events', (opts) =>
    client.fineTuning.jobs.listEvents(input.jobId, { limit: 20 }, opts),
  );
  const checkpoints = await callProvider('list job checkpoints', (opts) =>
    client.fineTuning.jobs.checkpoints.list(input.jobId, { limit: 10 }, opts),
  );
  const result = snapshot(
    job,
    events.data,
    checkpoints.data.map((c) => c.fine_tuned_model_checkpoint),
  );
  if (input.runTag === undefined) return result;
  const others = (await jobsOfRun(client, input.runTag)).filter((j) => j.id !== input.jobId && !isTerminal(j.status));
  return others.length ? { ...result, duplicates: others.map((j) => j.id) } : result;
}

export function snapshot(
  job: OpenAI.FineTuning.FineTuningJob,
  events: OpenAI.FineTuning.FineTuningJobEvent[],
  checkpoints: string[],
): JobSnapshot {
  // Events come newest first; the first metrics event is the latest step.
  const metricsEvent = events.find((e) => e.type === 'metrics' && e.data && typeof e.data === 'object');
  const data = (metricsEvent?.data ?? {}) as { step?: number; train_loss?: number; valid_loss?: number };
  return {
    jobId: job.id,
    status: job.status as JobStatus,
    trainedTokens: job.trained_tokens ?? null,
    estimatedFinish: job.estimated_finish ?? null,
    fineTunedModel: job.fine_tuned_model ?? null,
    error: job.error
      ? { code: job.error.code ?? null, message: job.error.message, param: job.error.param ?? null }
      : null,
    step: typeof data.step === 'number' ? data.step : null,
    trainLoss: typeof data.train_loss === 'number' ? data.train_loss : null,
    validLoss: typeof data.valid_loss === 'number' ? data.valid_loss : null,
    lastEvents: events.slice(0, 5).map((e) => ({ createdAt: e.created_at, level: e.level, message: e.message })),
    checkpoints,
  };
}

/**
 * Cancels a job that is still live; a job already terminal is left as it is (idempotent). With the run's tag, every
 * other live job carrying it is cancelled too (named in `cancelledJobIds`): nothing of a cancelled run trains on.
 */
export async function cancelJob(input: {
  jobId: string;
  runTag?: string;
  provider?: ProviderSpec;
}): Promise<{ status: string; cancelledJobIds?: string[] }> {
  const client = providerClient(input.provider);
  const settled = input.runTag === undefined ? undefined : await settleRunJobs(client, input.runTag, input.jobId);
  const others = settled?.cancelledJobIds ?? [];
  const extra = others.length ? { cancelledJobIds: others } : {};
  const job = await retrieveJob(client, input.jobId);
  if (isTerminal(job.status)) return { status: job.status, ...extra };
  const cancelled = await callProvider('cancel fine-tuning job', (opts) =>
    client.fineTuning.jobs.cancel(input.jobId, opts),
  );
  return { status: cancelled.status, ...extra };
}

/** Pauses or resumes a job, passed through to the provider; a job already in the wanted state is left alone. */
export async function pauseOrResumeJob(input: {
  jobId: string;
  action: 'pause' | 'resume';
  provider?: ProviderSpec;
}): Promise<{ status: string }> {
  const client = providerClient(input.provider);
  const job = await retrieveJob(client, input.jobId);
  if (input.action === 'pause' && job.status !== 'running' && job.status !== 'queued') return { status: job.status };
  // The SDK's status union lacks 'paused', which the pause endpoint reports.
  if (input.action === 'resume' && (job.status as string) !== 'paused') return { status: job.status };
  const next = await callProvider(`${input.action} fine-tuning job`, () =>
    input.action === 'pause' ? client.fineTuning.jobs.pause(input.jobId) : client.fineTuning.jobs.resume(input.jobId),
  );
  return { status: next.status };
}
