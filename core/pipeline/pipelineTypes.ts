import type { ApprovalPolicy, DeployTarget } from '../spec/deploySpec';
import type { PipelineSpec } from './pipelineSpec';
import type { ProviderSpec } from '../spec/providerSpec';
import type { ApprovalDecision } from '../deploy/approval';
import type { PrepCounts } from '../dataset/prepManifest';
import type { TokenStats } from '../dataset/validationReport';
import type { ArtifactRef } from '../artifacts/artifactRef';
import type { LoadedTemplate } from '../evalSuite/evalSuiteTypes';
import type { CheaperVerdict } from '../gate/cheapestPassing';
import type { GateDecision } from '../gate/gateDecision';
import type { VariantScore } from '../evalSuite/evaluationTypes';
import type { FineTuneResult } from './fineTuneTypes';
import type { DistillResult } from '../distill/distillTypes';

export const STEP_NAMES = ['prepare', 'validate', 'fine-tune', 'evaluate', 'deploy'] as const;
/** Steps only a `distill:` run has: the teacher answering the prompts, and the student compared with the teacher. */
export const DISTILL_STEP_NAMES = ['distill', 'compare'] as const;
export type StepName = (typeof STEP_NAMES)[number] | (typeof DISTILL_STEP_NAMES)[number];
export type StepStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped' | 'cancelled';

/** The gate's decision is part of the pipeline's result (core/gate/gateDecision.ts). */
export type { GateDecision };

export interface StepState {
  name: StepName;
  status: StepStatus;
  startedAt?: number;
  endedAt?: number;
  /** One line for humans: counts, model names, scores. */
  detail?: string;
  error?: string;
}

export interface PipelineInput {
  spec: PipelineSpec;
  specSha256: string;
  /** sha256 of the dataset file's bytes, computed by the client so the run ID is named by content. */
  datasetSha256: string;
  /** The file's name for messages when `spec.dataset.path` is an artifact URI (the client uploaded it). */
  datasetName?: string;
  /**
   * `distill.prompts: { from: capture }`: the artifact URI of the capture export whose hash is `datasetSha256`, made
   * by the client (or the scheduled run) that named the run. The distill phase reads these prompts, not a new export,
   * so the run distils exactly the traffic its ID names. Absent from runs started before it (they export anew).
   */
  distillPrompts?: string;
  /** The templates `baselines.prompts` names, loaded by the client (workflow code reads no files). */
  prompts?: LoadedTemplate[];
  /** Where `baselines.rag` indexes live (absolute, as workers see it): `$TAILOR_HOME/indexes`. */
  indexRoot?: string;
}

export interface PipelineProgress {
  runId: string;
  pipeline: string;
  stage: StepName | 'done';
  steps: StepState[];
  spend: Spend;
}

/** `not_needed`: with `fineTune.when: needed`, a cheaper variant passed the gate; nothing was trained or moved. */
/** `canary`: the alias kept its model; the candidate serves a share of its users (`deploy.canary`). */
export type DeployOutcome = 'promoted' | 'canary' | 'gate_failed' | 'rolled_back' | 'rejected' | 'not_needed';

export interface DeployInput {
  runId: string;
  pipeline: string;
  alias: string;
  gate: GateDecision;
  /** @default { type: 'auto' } */
  approval?: ApprovalPolicy;
  /** Webhooks told of every alias move. @default [] */
  targets?: DeployTarget[];
  /** The candidate's lineage, registered before it can be promoted; omitted for a model already in the registry. */
  lineage?: {
    provider: string;
    baseModel: string;
    jobId: string;
    trainSha256: string;
    specSha256: string;
    evalReportUri: string;
    /** How the model was trained, when Tailor trained it itself (self-hosted); kept as the registry's `details`. */
    details?: Record<string, unknown>;
  };
  /** Start a canary at this share instead of moving the alias (patched 'canary-deploy'). */
  canary?: {
    percent: number;
    /** The canary goes on this pipeline's alias instead (a distilled student on its teacher's). @default the input's */
    on?: { pipeline: string; alias: string };
  };
  /** A smoke evaluation through the alias after it moves; omitted = none. */
  smoke?: { test: ArtifactRef; examples: number; tolerance: number; metric: 'exact_match' | 'contains' };
  provider?: ProviderSpec;
  /** Who asked for this deployment (a CLI user for `tailor promote`); recorded in the alias history. */
  initiatedBy?: string;
  /** The spec's `timeouts:` (core/activityOptions/activityTimeouts.ts). @default the table */
  timeouts?: import('../activityOptions/activityTimeouts').ActivityTimeoutOverrides;
}

export interface DeployResult {
  outcome: DeployOutcome;
  alias: string;
  model: string | null;
  previous: string | null;
  smokeScore?: number;
  reason: string;
  approval?: ApprovalDecision;
}

/** Money the run has committed, estimated before a step and measured after it. */
export interface Spend {
  budgetUsd: number | null;
  /** Estimated cost of each priced step before it ran. */
  estimatedUsd: Partial<Record<StepName, number>>;
  /** Cost measured after the step (e.g. trained tokens × price). */
  actualUsd: Partial<Record<StepName, number>>;
  totalUsd: number;
}

export interface PipelineResult {
  runId: string;
  pipeline: string;
  specSha256: string;
  datasetSha256: string;
  steps: StepState[];
  prepared: {
    train: ArtifactRef;
    validation: ArtifactRef;
    test: ArtifactRef;
    manifest: ArtifactRef;
    counts: PrepCounts;
  };
  validation: {
    valid: boolean;
    examples: number;
    tokens: TokenStats;
    estimate: { epochs: number; billedTokens: number; usd: number; pricePerMillion: number; model: string };
    warnings: string[];
    report: ArtifactRef;
  };
  /** Null when `fineTune.when: needed` found a cheaper variant that passes the gate. */
  fineTune: FineTuneResult | null;
  leaderboard: VariantScore[];
  /** `fineTune.when: needed`: every cheaper variant's gate decision and cost, and the one kept (if any passed). */
  cheaper?: { verdicts: CheaperVerdict[]; chosen?: CheaperVerdict & { model: string; promptVersion?: string } };
  gate: GateDecision;
  deploy: DeployResult;
  evaluationReport: ArtifactRef;
  /** The self-contained HTML report of the evaluation (leaderboard, charts, confusion matrix, per-case diffs). */
  evaluationHtml?: ArtifactRef;
  /**
   * `distill:` runs: the teacher's answers (requests made and cached, tokens, cost) and the student against the
   * teacher on the held-out prompts (agreement, accuracy, cost per 1,000 requests for both).
   */
  distill?: DistillResult;
  spend: Spend;
}
