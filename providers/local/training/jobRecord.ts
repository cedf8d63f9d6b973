/**
 * What the backend stores per fine-tuning job: the public `fine_tuning.job` object exactly as the
 * API returns it, plus the private progress needed to resume after a pause or a restart.
 */
import type { Hyperparameters } from '../learners/autoHyperparameters';

export type JobStatus = 'validating_files' | 'queued' | 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled';

export const TERMINAL: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled']);

export interface JobObject {
  id: string;
  object: 'fine_tuning.job';
  created_at: number;
  error: { code: string; message: string; param: string | null } | null;
  fine_tuned_model: string | null;
  finished_at: number | null;
  hyperparameters: {
    batch_size: number | 'auto' | null;
    learning_rate_multiplier: number | 'auto';
    n_epochs: number | 'auto';
  };
  model: string;
  organization_id: string;
  result_files: string[];
  seed: number;
  status: JobStatus;
  trained_tokens: number | null;
  training_file: string;
  validation_file: string | null;
  estimated_finish: number | null;
  integrations: unknown[] | null;
  metadata: Record<string, string> | null;
  method: { type: 'supervised' | 'dpo' | 'reinforcement'; [key: string]: unknown };
  user_provided_suffix: string | null;
}

export interface JobProgress {
  /** Steps already trained (and reported through events). */
  completedSteps: number;
  totalSteps: number | null;
  hyperparameters: Hyperparameters | null;
  /** Tokens in the training file; trained_tokens = this × epochs. */
  fileTokens: number | null;
  /** Base snapshot for the model name (`ft:<snapshot>:…`). */
  snapshot: string;
  /** Grader of a reinforcement job (its `{{item.X}}` reference is what the learner fits). */
  grader: unknown;
}

export interface JobRecord {
  job: JobObject;
  progress: JobProgress;
}
