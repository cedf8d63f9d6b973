import type { ArtifactRef } from '../artifacts/artifactRef';
import type { ActivityTimeoutOverrides } from '../activityOptions/activityTimeouts';
import type { FineTuneMethod } from '../fineTune/fineTuneMethod';
import type { ProviderSpec } from '../spec/providerSpec';
import type { SelfHostedDetails } from '../fineTune/selfHosted';
import type { Checkpoint, CheckpointScore, TrainedCheckpoint } from '../fineTune/bestCheckpoint';

/**
 * What the fine-tune workflow needs; everything is a reference or a small value (see docs/architecture.md,
 * References, not payloads).
 */
export interface FineTuneInput {
  /** Unique per run and step: stored in the job's metadata so a retry finds the job instead of creating another. */
  runTag: string;
  pipeline: string;
  datasetSha256: string;
  model: string;
  train: ArtifactRef;
  validation?: ArtifactRef;
  method: FineTuneMethod;
  suffix?: string;
  seed?: number;
  poll: { initial: string; max: string; factor: number };
  /** Which provider, by environment-variable names only. @default { type: 'default' } */
  provider?: ProviderSpec;
  /** The spec's `timeouts:` (core/activityOptions/activityTimeouts.ts). @default the table */
  timeouts?: ActivityTimeoutOverrides;
  /** provider `self-hosted` with `usdPerHour`: what is left of `budget.usd` when training starts. */
  budgetLeftUsd?: number;
  /** provider `self-hosted` with `fineTune.checkpoints: best`: keep an output per checkpoint, to be scored. */
  checkpoints?: 'best';
}

export type JobStatus = 'validating_files' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'paused';

export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

export interface JobSnapshot {
  jobId: string;
  status: JobStatus;
  trainedTokens: number | null;
  estimatedFinish: number | null;
  fineTunedModel: string | null;
  error: { code: string | null; message: string; param: string | null } | null;
  /** The latest training step's metrics seen in the job's events. */
  step: number | null;
  trainLoss: number | null;
  validLoss: number | null;
  lastEvents: { createdAt: number; level: string; message: string }[];
  checkpoints: string[];
  /** Other live jobs carrying the run's tag (a create the provider accepted after its attempt gave up), if any. */
  duplicates?: string[];
}

/**
 * provider `self-hosted`: the trainer's last progress report (the `trainerProgress` signal its activity sends every
 * few seconds and at each checkpoint; workers/trainer/tailor_trainer/progress_signal.py).
 */
export interface TrainerProgress {
  step: number;
  maxSteps?: number;
  loss: number | null;
  lr: number | null;
  /** The last checkpoint saved, where a retried or resumed attempt starts. */
  checkpoint: string | null;
  /** The activity attempt reporting (a retry after a lost worker is attempt 2, …). */
  attempt: number;
  /** The reporting trainer process; `seq` orders its reports (signals may arrive out of order). */
  source: string;
  seq: number;
  /** When the trainer sent it (seconds since the epoch, the trainer's clock). */
  at: number;
  /** Training tokens per second over the recent steps (trainers before this field send none). */
  tokensPerSecond?: number;
  /** Seconds until maxSteps at the recent pace (absent until the pace is known). */
  etaSeconds?: number;
}

export interface FineTuneProgress {
  /** `paused`: provider self-hosted only, training stopped at a checkpoint until `tailor resume`. */
  phase: 'uploading' | 'waiting_for_files' | 'creating_job' | 'training' | 'paused' | 'done' | 'failed' | 'cancelled';
  trainingFileId?: string;
  validationFileId?: string;
  job?: JobSnapshot;
  polls: number;
  nextPollInMs?: number;
  /** provider `self-hosted`: step, loss and learning rate as the trainer last reported them. */
  trainer?: TrainerProgress;
  /** provider `self-hosted`: time spent training so far (paused time excluded) and, with `usdPerHour`, its cost. */
  trainingMs?: number;
  spentUsd?: number;
}

export interface FineTuneResult {
  jobId: string;
  model: string;
  trainingFileId: string;
  validationFileId?: string;
  trainedTokens: number | null;
  metrics: ArtifactRef;
  finalTrainLoss: number | null;
  finalValidLoss: number | null;
  /** provider `self-hosted` only: what the trainer produced, for the registry. */
  selfHosted?: SelfHostedDetails;
  /**
   * `fineTune.checkpoints: best` only: every checkpoint's validation score and the one chosen; `model` is then the
   * chosen checkpoint (or the job's model when the last checkpoint won).
   */
  checkpoints?: { scores: CheckpointScore[]; chosen: Checkpoint };
  /** provider `self-hosted` with `fineTune.checkpoints: best`: the outputs the trainer kept, to be scored. */
  trainedCheckpoints?: TrainedCheckpoint[];
}
