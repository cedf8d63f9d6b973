import type { AliasChange } from '../deploy/aliasChange';
import type { Spend, StepName, StepState, StepStatus } from '../pipeline/pipelineTypes';
import type { HistoryEvent, FoundArtifact } from './historyValues';
import type { TimelineEntry } from './timeline';

/** How a run (or a child) stands: Temporal's execution status, lower-cased. */
export type RunStatus =
  'running' | 'completed' | 'failed' | 'cancelled' | 'terminated' | 'timed_out' | 'continued_as_new' | 'unknown';

/** One activity as the server recorded it: final attempt, the failure before it, what went in and came out. */
export interface AuditActivity {
  workflowId: string;
  activityId: string;
  name: string;
  /** The pipeline step it belongs to (pipeline runs only). */
  step?: StepName;
  scheduledAt: number;
  endedAt?: number;
  status: 'scheduled' | 'running' | 'completed' | 'failed' | 'timed_out' | 'cancelled';
  attempts: number;
  /** The failure before the last attempt (Temporal keeps the last one) and the final failure, in order. */
  failures: string[];
  inputs: FoundArtifact[];
  outputs: FoundArtifact[];
  /** Provider identifiers in the result (`fileId`, `jobId`, `model`). */
  ids?: Record<string, string>;
}

export interface AuditChild {
  workflowId: string;
  parentId: string;
  type: string;
  status: RunStatus;
  startedAt: number;
  endedAt?: number;
  failure?: string;
  inputs: FoundArtifact[];
  outputs: FoundArtifact[];
}

export interface AuditStep {
  name: StepName;
  status: StepStatus;
  startedAt?: number;
  endedAt?: number;
  /** The most attempts any of the step's activities needed (1 = no retry; 0 = none ran). */
  attempts: number;
  /** Every failure seen in the step: retried attempts, then the final error. */
  failures: string[];
  detail?: string;
  error?: string;
}

export interface AuditApproval {
  decision: string;
  who: string;
  why: string;
  at: number;
  /** The client identity that sent the decision (from the Update's request in history). */
  identity?: string;
  source: 'registry' | 'history';
}

export type AuditAliasMove = AliasChange;

export interface AuditModelRow {
  model: string;
  baseModel: string;
  jobId: string | null;
  trainSha256: string | null;
  runId: string;
  evalReportUri: string | null;
  score: number | null;
}

/** One link of the chain dataset → train split → upload → job → model → eval report → alias move. */
export interface LineageLink {
  kind: 'dataset' | 'train' | 'upload' | 'job' | 'model' | 'eval' | 'alias';
  id: string;
  detail?: string;
}

export interface AuditReport {
  runId: string;
  workflowType: string;
  pipeline?: string;
  status: RunStatus;
  startedAt?: number;
  closedAt?: number;
  /** Why the run failed, was cancelled or terminated. */
  failure?: string;
  datasetSha256?: string;
  specSha256?: string;
  /** For a running pipeline: the step it is in. */
  stage?: string;
  steps: AuditStep[];
  activities: AuditActivity[];
  children: AuditChild[];
  approvals: AuditApproval[];
  aliasMoves: AuditAliasMove[];
  spend?: Spend;
  lineage: LineageLink[];
  timeline: TimelineEntry[];
  /** Payloads still encrypted: the audit ran without the key (TAILOR_ENCRYPTION_KEYS). */
  unreadablePayloads: number;
}

/** An activity the server is still running or retrying (from DescribeWorkflowExecution). */
export interface PendingActivity {
  workflowId: string;
  activityId: string;
  attempt: number;
  lastFailure?: string;
}

/** Everything the audit is assembled from; histories must be decoded through the payload codec already. */
export interface AuditSources {
  runId: string;
  status: RunStatus;
  /** The run first, then its children (any depth). */
  workflows: { workflowId: string; events: HistoryEvent[] }[];
  pending: PendingActivity[];
  /** The pipeline's own step record and spend: from its result, or its progress query while it runs. */
  progress?: { stage?: string; steps: StepState[]; spend: Spend };
  registry: {
    models: AuditModelRow[];
    aliasMoves: AuditAliasMove[];
    approvals: { decision: string; who: string; why: string; at: number }[];
  };
}
