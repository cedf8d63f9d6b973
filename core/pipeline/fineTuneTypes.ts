import type { ArtifactRef } from '../artifacts/artifactRef';
import type { ActivityTimeoutOverrides } from './activityTimeouts';
import type { FineTuneMethod } from '../../config/pipelineSpec';
import type { ProviderSpec } from '../../config/providerSpec';
import type { SelfHostedDetails } from '../fineTune/selfHosted';

/** What the fine-tune workflow needs; everything is a reference or a small value (invariant 1). */
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
  /** The spec's `timeouts:` (core/pipeline/activityTimeouts.ts). @default the table */
  timeouts?: ActivityTimeoutOverrides;
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
}

export interface FineTuneProgress {
  phase: 'uploading' | 'waiting_for_files' | 'creating_job' | 'training' | 'done' | 'failed' | 'cancelled';
  trainingFileId?: string;
  validationFileId?: string;
  job?: JobSnapshot;
  polls: number;
  nextPollInMs?: number;
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
}
