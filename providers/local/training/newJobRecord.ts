/**
 * The record a new job starts from: the public job object as OpenAI returns it on creation
 * (`validating_files`, "auto" hyperparameters echoed until validation resolves them, the method
 * with its section) and empty progress.
 */
import { LOCAL_ORG_ID } from '../catalog/baseModels';
import type { CreateJobRequest } from '../schemas/fineTuningJobRequest';
import { newJobId, nowSeconds } from '../store/ids';
import type { JobObject, JobRecord } from './jobRecord';

export function newJobRecord(req: CreateJobRequest, snapshot: string): JobRecord {
  const method = req.method ?? { type: 'supervised' as const };
  const section = (
    method as unknown as Record<string, { hyperparameters?: Record<string, unknown> } | null | undefined>
  )[method.type];
  // The deprecated top-level hyperparameters still configure supervised jobs.
  const requested = {
    ...(method.type === 'supervised' ? (req.hyperparameters ?? {}) : {}),
    ...(section?.hyperparameters ?? {}),
  } as Record<string, unknown>;
  const hpOut = {
    batch_size: (requested.batch_size as number | 'auto' | undefined) ?? 'auto',
    learning_rate_multiplier: (requested.learning_rate_multiplier as number | 'auto' | undefined) ?? 'auto',
    n_epochs: (requested.n_epochs as number | 'auto' | undefined) ?? 'auto',
  };
  const methodOut: JobObject['method'] = {
    type: method.type,
    [method.type]: {
      ...(section ?? {}),
      hyperparameters: method.type === 'dpo' ? { beta: 'auto', ...hpOut, ...requested } : { ...hpOut, ...requested },
    },
  };
  const job: JobObject = {
    id: newJobId(),
    object: 'fine_tuning.job',
    created_at: nowSeconds(),
    error: null,
    fine_tuned_model: null,
    finished_at: null,
    hyperparameters: hpOut,
    model: req.model,
    organization_id: LOCAL_ORG_ID,
    result_files: [],
    seed: req.seed ?? Math.floor(Math.random() * 2147483647),
    status: 'validating_files',
    trained_tokens: null,
    training_file: req.training_file,
    validation_file: req.validation_file ?? null,
    estimated_finish: null,
    integrations: req.integrations ?? null,
    metadata: req.metadata ?? null,
    method: methodOut,
    user_provided_suffix: req.suffix ?? null,
  };
  const record: JobRecord = {
    job,
    progress: {
      completedSteps: 0,
      totalSteps: null,
      hyperparameters: null,
      fileTokens: null,
      snapshot,
      grader: method.type === 'reinforcement' ? method.reinforcement?.grader : null,
    },
  };
  return record;
}
