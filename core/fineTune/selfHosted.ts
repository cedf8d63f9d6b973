import type { FineTuneMethod } from './fineTuneMethod';
import type { SelfHostedProvider } from '../spec/providerSpec';

/**
 * The TypeScript side of the Python trainer's contract (workers/trainer/tailor_trainer/spec.py reads the request,
 * training.py TrainResult.to_json writes the result): camelCase field names on both sides.
 */
export const TRAINER_ACTIVITIES = { supervised: 'trainSupervised', dpo: 'trainPreference' } as const;

/**
 * Where the trainer finds its training file and writes: local paths on one shared disk (the disk store), or, with
 * the artifact store on S3, a reference it fetches (`trainingArtifact`) and folders relative to its own host.
 */
export interface TrainerPaths {
  trainingFile?: string;
  trainingArtifact?: TrainingArtifact;
  outputDir: string;
  checkpointDir: string;
}

/** The training file in object storage: the store (`s3://bucket/prefix`), its key, and the sha256 it must hash to. */
export interface TrainingArtifact {
  location: string;
  key: string;
  sha256: string;
  bytes: number;
}

export interface TrainerRequest extends TrainerPaths {
  baseModelPath: string;
  method: { peft: 'full' | { type: 'lora'; rank: number; alpha?: number; dropout: number; targetModules: string[] } };
  hyperparameters: Record<string, number>;
}

export interface TrainerResult {
  /** The trained folder on a shared disk, or its `s3://…/adapters/<sha256>.tar` when the trainer uploaded it. */
  outputDir: string;
  sha256: string;
  method: 'full' | 'lora';
  baseModelPath: string;
  trainableParams: number;
  totalParams: number;
  steps: number;
  resumedFromStep: number;
  stopped: boolean;
  losses: number[];
  hyperparameters: Record<string, unknown>;
  /** `hyperparameters.evalCheckpoints` > 0: the output kept at each of the newest checkpoints (older trainers: none) */
  checkpoints?: { step: number; sha256: string; outputDir: string }[];
}

/** What the registry keeps about a self-hosted model (its `details`). */
export interface SelfHostedDetails {
  method: 'full' | 'lora';
  baseModelPath: string;
  adapterSha256: string;
  adapterPath: string;
  trainableParams: number;
  totalParams: number;
  steps: number;
  resumedFromStep: number;
  hyperparameters: Record<string, unknown>;
  /** Wall time on the trainer across attempts and resumes (workflow clock), and its cost at `usdPerHour`. */
  trainingMs?: number;
  costUsd?: number;
}

/** The cost of training time at an hourly rate. */
export function trainingCostUsd(ms: number, usdPerHour: number | undefined): number {
  return usdPerHour ? (ms / 3_600_000) * usdPerHour : 0;
}

/** How long training may run before it has spent `budgetLeftUsd` (undefined: no limit). */
export function trainingAllowanceMs(
  budgetLeftUsd: number | undefined,
  usdPerHour: number | undefined,
): number | undefined {
  if (budgetLeftUsd === undefined || !usdPerHour) return undefined;
  return Math.max(0, (budgetLeftUsd / usdPerHour) * 3_600_000);
}

/** A run tag as one file-name segment. */
export function runSlug(runTag: string): string {
  return runTag.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/**
 * Where one run's training writes: a folder per run tag, so a retried attempt finds its own checkpoints. Without
 * `adaptersDir` the folders are relative: the trainer puts them under its own host's adapters folder.
 */
export function trainingFolders(
  adaptersDir: string | undefined,
  runTag: string,
): { outputDir: string; checkpointDir: string } {
  const slug = runSlug(runTag);
  const under = adaptersDir === undefined ? '' : `${adaptersDir}/`;
  return { outputDir: `${under}${slug}`, checkpointDir: `${under}.checkpoints/${slug}` };
}

/** The model id evaluation and the registry use: names the base and the trained output's digest. */
export function selfHostedModelId(baseModel: string, sha256: string): string {
  return `self-hosted:${baseModel}:${sha256.slice(0, 12)}`;
}

const DEFAULT_LEARNING_RATE = 2e-4; // the trainer's default; learning_rate_multiplier scales it

/**
 * The trainer's request from the spec: fineTune.method's hyperparameters, then the provider's `training:` settings.
 * Without `baseModelPath` the trainer gets `baseModel`, a catalogue name it resolves to its converted folder.
 */
export function trainerRequest(
  provider: SelfHostedProvider,
  baseModel: string,
  method: Exclude<FineTuneMethod, { type: 'reinforcement' }>,
  paths: TrainerPaths,
  seed?: number,
): TrainerRequest {
  const h = method.hyperparameters;
  const num = (v: number | 'auto' | undefined) => (typeof v === 'number' ? v : undefined);
  const t = provider.training;
  const lr = (t.learningRate ?? DEFAULT_LEARNING_RATE) * (num(h.learning_rate_multiplier) ?? 1);
  const hyper: Record<string, number | undefined> = {
    epochs: num(h.n_epochs),
    batchSize: num(h.batch_size),
    learningRate: lr,
    beta: method.type === 'dpo' ? num(method.hyperparameters.beta) : undefined,
    maxSteps: t.maxSteps,
    checkpointEvery: t.checkpointEvery,
    maxLength: t.maxLength,
    seed,
  };
  const lora = provider.peft === 'full' ? undefined : provider.peft.lora;
  return {
    baseModelPath: provider.baseModelPath ?? baseModel,
    ...paths,
    method: { peft: lora ? { type: 'lora', ...lora } : 'full' },
    // Unset values stay out: the trainer applies its own defaults.
    hyperparameters: Object.fromEntries(Object.entries(hyper).filter((e): e is [string, number] => e[1] !== undefined)),
  };
}
