import {
  STEP_NAMES,
  type PipelineInput,
  type PipelineResult,
  type StepName,
  type StepStatus,
} from '../pipeline/pipelineTypes';
import type { AuditActivity, AuditApproval, AuditChild, AuditReport, AuditSources, AuditStep } from './auditTypes';
import { lineageOf } from './auditLineage';
import { timelineOf } from './timeline';
import { workflowEvents, type WorkflowEvents } from './workflowEvents';

/** Parent-workflow activities by step; child workflows belong whole to the step their ID names. */
const PARENT_ACTIVITY_STEP: Record<string, StepName> = {
  materializeDistillPrompts: 'distill',
  askTeacher: 'distill',
  compareWithTeacher: 'compare',
  prepareDataset: 'prepare',
  validateDataset: 'validate',
  preferredAnswersDataset: 'fine-tune',
  listJobCheckpoints: 'fine-tune',
  resolveAlias: 'evaluate',
  writeRunReport: 'deploy',
};
const CHILD_STEP: Record<string, StepName> = {
  'fine-tune-sft': 'fine-tune',
  'fine-tune': 'fine-tune',
  'fine-tune-checkpoints': 'fine-tune',
  evaluate: 'evaluate',
  deploy: 'deploy',
};

function stepOfWorkflow(runId: string, workflowId: string): StepName | undefined {
  if (!workflowId.startsWith(`${runId}/`)) return undefined;
  return CHILD_STEP[workflowId.slice(runId.length + 1).split('/')[0]!];
}

/**
 * The audit of one run, assembled from its decoded histories, the server's view of pending activities, the
 * pipeline's own step record (when it could be read) and the registry. Pure: the same sources give the same report.
 */
export function buildAuditReport(src: AuditSources): AuditReport {
  const read = src.workflows.map((w) => workflowEvents(w.workflowId, w.events));
  const root = read[0];
  const isPipeline = root?.type === 'customizationPipeline';
  // A finished pipeline's result holds the same step record and spend its progress query gives while it runs.
  const result = isPipeline ? (root?.result as Partial<PipelineResult> | undefined) : undefined;
  if (!src.progress && result?.steps && result.spend)
    src = { ...src, progress: { steps: result.steps, spend: result.spend } };
  const activities = read.flatMap((w) => w.activities);
  for (const a of activities) {
    const p = src.pending.find((x) => x.workflowId === a.workflowId && x.activityId === a.activityId);
    if (p && a.endedAt === undefined) {
      a.status = 'running';
      a.attempts = p.attempt;
      if (p.lastFailure) a.failures.push(`attempt ${p.attempt - 1}: ${p.lastFailure}`);
    }
    if (isPipeline)
      a.step = a.workflowId === src.runId ? PARENT_ACTIVITY_STEP[a.name] : stepOfWorkflow(src.runId, a.workflowId);
  }
  const children = read.flatMap((w) => w.children);
  const input = (isPipeline ? root?.input : undefined) as Partial<PipelineInput> | undefined;
  return {
    runId: src.runId,
    workflowType: root?.type ?? '',
    pipeline: input?.spec?.name ?? src.registry.aliasMoves[0]?.pipeline,
    status: src.status,
    startedAt: root?.startedAt,
    closedAt: root?.closedAt,
    failure: root?.failure,
    datasetSha256: input?.datasetSha256,
    specSha256: input?.specSha256,
    stage: src.status === 'running' ? src.progress?.stage : undefined,
    steps: isPipeline ? pipelineSteps(src, activities, children) : [],
    activities: activities.sort((a, b) => a.scheduledAt - b.scheduledAt),
    children,
    approvals: approvals(src, read),
    aliasMoves: src.registry.aliasMoves,
    spend: src.progress?.spend,
    lineage: lineageOf(src, read),
    timeline: src.workflows.flatMap((w) => timelineOf(w.workflowId, w.events)).sort((a, b) => a.at - b.at),
    unreadablePayloads: read.reduce((n, w) => n + w.unreadable, 0),
  };
}

/**
 * One row per pipeline step. The workflow's own step record (status, detail, error) wins where it was read; the
 * history supplies what only the server knows: attempts, the failures between them, and the timing otherwise.
 */
function pipelineSteps(src: AuditSources, activities: AuditActivity[], children: AuditChild[]): AuditStep[] {
  // A `distill:` run's steps are the pipeline's own record when it could be read, else the history's activities.
  const distilled = activities.some((a) => a.step === 'distill');
  const names: readonly StepName[] =
    src.progress?.steps.map((s) => s.name) ??
    (distilled ? ['distill', ...STEP_NAMES.slice(0, -1), 'compare', 'deploy'] : STEP_NAMES);
  return names.map((name) => {
    const acts = activities.filter((a) => a.step === name);
    const kids = children.filter((c) => c.parentId === src.runId && stepOfWorkflow(src.runId, c.workflowId) === name);
    const starts = [...acts.map((a) => a.scheduledAt), ...kids.map((c) => c.startedAt)];
    const ends = [...acts.map((a) => a.endedAt), ...kids.map((c) => c.endedAt)];
    const failures = [
      ...acts.flatMap((a) => a.failures.map((f) => `${a.name} ${f}`)),
      ...kids.flatMap((c) => (c.failure ? [`${c.workflowId}: ${c.failure}`] : [])),
    ];
    const tracked = src.progress?.steps.find((s) => s.name === name);
    const fromHistory: StepStatus =
      starts.length === 0
        ? 'pending'
        : [...acts.map((a) => a.status), ...kids.map((c) => c.status)].some((s) => s === 'failed' || s === 'timed_out')
          ? 'failed'
          : ends.some((e) => e === undefined)
            ? 'running'
            : 'completed';
    const endsKnown = ends.filter((e): e is number => e !== undefined);
    return {
      name,
      status: tracked?.status ?? fromHistory,
      startedAt: tracked?.startedAt ?? (starts.length ? Math.min(...starts) : undefined),
      endedAt: tracked?.endedAt ?? (fromHistory !== 'running' && endsKnown.length ? Math.max(...endsKnown) : undefined),
      attempts: Math.max(0, ...acts.map((a) => a.attempts)),
      failures,
      detail: tracked?.detail,
      error:
        tracked?.error ??
        kids.find((c) => c.failure)?.failure ??
        acts.find((a) => a.status === 'failed')?.failures.at(-1),
    };
  });
}

/**
 * The registry's record of each decision, with the sender's identity from history; decisions only history knows too.
 */
function approvals(src: AuditSources, read: WorkflowEvents[]): AuditApproval[] {
  const fromHistory = read.flatMap((w) => w.decisions);
  const out: AuditApproval[] = src.registry.approvals.map((a) => ({
    ...a,
    identity: fromHistory.find((h) => h.who === a.who && h.decision === a.decision)?.identity,
    source: 'registry',
  }));
  for (const h of fromHistory) if (!out.some((a) => a.who === h.who && a.decision === h.decision)) out.push(h);
  return out.sort((a, b) => a.at - b.at);
}
