import type { AuditActivity, AuditApproval, AuditChild, RunStatus } from './auditTypes';
import {
  artifactRefsIn,
  eventMs,
  failureMessage,
  firstValue,
  payloadValues,
  UNREADABLE,
  type HistoryEvent,
} from './historyValues';

/** What one workflow's history says about itself: how it started and ended, its activities, children, decisions. */
export interface WorkflowEvents {
  workflowId: string;
  type: string;
  input: unknown;
  result: unknown;
  startedAt?: number;
  closedAt?: number;
  /** Set once the history has a close event. */
  closedAs?: RunStatus;
  failure?: string;
  activities: AuditActivity[];
  children: AuditChild[];
  decisions: AuditApproval[];
  unreadable: number;
}

const CLOSED_CHILD: [keyof HistoryEvent, RunStatus][] = [
  ['childWorkflowExecutionCompletedEventAttributes', 'completed'],
  ['childWorkflowExecutionFailedEventAttributes', 'failed'],
  ['childWorkflowExecutionCanceledEventAttributes', 'cancelled'],
  ['childWorkflowExecutionTerminatedEventAttributes', 'terminated'],
  ['childWorkflowExecutionTimedOutEventAttributes', 'timed_out'],
];

/**
 * Reads one workflow's (codec-decoded) history into audit records. Pure. Temporal writes an activity's Started event
 * only when its last attempt ends, carrying the attempt number and the failure of the attempt before it; that is
 * all history keeps of retries, and it is what the audit reports.
 */
export function workflowEvents(workflowId: string, events: HistoryEvent[]): WorkflowEvents {
  const out: WorkflowEvents = {
    workflowId,
    type: '',
    input: undefined,
    result: undefined,
    activities: [],
    children: [],
    decisions: [],
    unreadable: 0,
  };
  const values = (p: Parameters<typeof payloadValues>[0]) => {
    const vs = payloadValues(p);
    out.unreadable += vs.filter((v) => v === UNREADABLE).length;
    return vs.filter((v) => v !== UNREADABLE);
  };
  const activities = new Map<string, AuditActivity>();
  const children = new Map<string, AuditChild>();
  const close = (at: number, status: RunStatus, failure?: string) => {
    out.closedAt = at;
    out.closedAs = status;
    out.failure = failure;
  };
  for (const e of events) {
    const at = eventMs(e);
    const started = e.workflowExecutionStartedEventAttributes;
    if (started) {
      out.type = started.workflowType?.name ?? '';
      out.input = values(started.input)[0];
      out.startedAt = at;
    } else if (e.workflowExecutionCompletedEventAttributes) {
      out.result = values(e.workflowExecutionCompletedEventAttributes.result)[0];
      close(at, 'completed');
    } else if (e.workflowExecutionFailedEventAttributes)
      close(at, 'failed', failureMessage(e.workflowExecutionFailedEventAttributes.failure));
    else if (e.workflowExecutionCanceledEventAttributes) close(at, 'cancelled', 'cancelled');
    else if (e.workflowExecutionTerminatedEventAttributes)
      close(at, 'terminated', e.workflowExecutionTerminatedEventAttributes.reason || 'terminated');
    else if (e.workflowExecutionTimedOutEventAttributes) close(at, 'timed_out', 'timed out');
    else if (e.workflowExecutionContinuedAsNewEventAttributes) close(at, 'continued_as_new');
    else if (e.activityTaskScheduledEventAttributes) {
      const s = e.activityTaskScheduledEventAttributes;
      activities.set(String(e.eventId), {
        workflowId,
        activityId: s.activityId ?? String(e.eventId),
        name: s.activityType?.name ?? '',
        scheduledAt: at,
        status: 'scheduled',
        attempts: 0,
        failures: [],
        inputs: refsOfArgs(values(s.input)),
        outputs: [],
      });
    } else if (e.activityTaskStartedEventAttributes) {
      const s = e.activityTaskStartedEventAttributes;
      const a = activities.get(String(s.scheduledEventId));
      if (!a) continue;
      a.status = 'running';
      a.attempts = s.attempt ?? 1;
      const before = failureMessage(s.lastFailure);
      if (before) a.failures.push(`attempt ${a.attempts - 1}: ${before}`);
    } else {
      const ended = activityEnd(e);
      if (ended) {
        const a = activities.get(String(ended.scheduledEventId));
        if (!a) continue;
        a.status = ended.status;
        a.endedAt = at;
        if (ended.failure) a.failures.push(`attempt ${a.attempts || 1}: ${ended.failure}`);
        if (e.activityTaskCompletedEventAttributes) {
          const result = values(e.activityTaskCompletedEventAttributes.result)[0];
          a.outputs = artifactRefsIn(result);
          a.ids = idsIn(result);
        }
        continue;
      }
      childEvent(e, at, workflowId, children, values);
      const decision = updateDecision(e, at);
      if (decision) out.decisions.push(decision);
    }
  }
  out.activities = [...activities.values()];
  out.children = [...children.values()];
  return out;
}

/** A single argument is walked as itself, so paths read `train`, not `[0].train`. */
function refsOfArgs(args: unknown[]) {
  return artifactRefsIn(args.length === 1 ? args[0] : args);
}

/**
 * The provider identifiers an activity returned (`fileId`, `jobId`, `model`): the links of the lineage chain; and
 * lists of them (`cancelledJobIds`: duplicates a step removed), comma-joined, when not empty.
 */
function idsIn(result: unknown): Record<string, string> | undefined {
  if (!result || typeof result !== 'object' || Array.isArray(result)) return undefined;
  const ids = Object.entries(result).flatMap(([k, v]): [string, string][] => {
    if (typeof v === 'string' && (/Id$/.test(k) || /^(model|fineTunedModel|resolvedModel)$/.test(k))) return [[k, v]];
    const list = /Ids$/.test(k) && Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : [];
    return list.length ? [[k, list.join(', ')]] : [];
  });
  return ids.length ? Object.fromEntries(ids) : undefined;
}

function activityEnd(
  e: HistoryEvent,
): { scheduledEventId: unknown; status: AuditActivity['status']; failure?: string } | undefined {
  if (e.activityTaskCompletedEventAttributes)
    return { scheduledEventId: e.activityTaskCompletedEventAttributes.scheduledEventId, status: 'completed' };
  if (e.activityTaskFailedEventAttributes) {
    return {
      scheduledEventId: e.activityTaskFailedEventAttributes.scheduledEventId,
      status: 'failed',
      failure: failureMessage(e.activityTaskFailedEventAttributes.failure),
    };
  }
  if (e.activityTaskTimedOutEventAttributes) {
    const a = e.activityTaskTimedOutEventAttributes;
    return {
      scheduledEventId: a.scheduledEventId,
      status: 'timed_out',
      failure: failureMessage(a.failure) ?? 'timed out',
    };
  }
  if (e.activityTaskCanceledEventAttributes)
    return { scheduledEventId: e.activityTaskCanceledEventAttributes.scheduledEventId, status: 'cancelled' };
  return undefined;
}

function childEvent(
  e: HistoryEvent,
  at: number,
  parentId: string,
  children: Map<string, AuditChild>,
  values: (p: Parameters<typeof payloadValues>[0]) => unknown[],
): void {
  const init = e.startChildWorkflowExecutionInitiatedEventAttributes;
  if (init) {
    children.set(String(e.eventId), {
      workflowId: init.workflowId ?? '',
      parentId,
      type: init.workflowType?.name ?? '',
      status: 'running',
      startedAt: at,
      inputs: refsOfArgs(values(init.input)),
      outputs: [],
    });
    return;
  }
  const startFailed = e.startChildWorkflowExecutionFailedEventAttributes;
  if (startFailed) {
    const c = children.get(String(startFailed.initiatedEventId));
    if (c) Object.assign(c, { status: 'failed', endedAt: at, failure: 'already started (a run with this ID exists)' });
    return;
  }
  for (const [key, status] of CLOSED_CHILD) {
    const attrs = e[key] as
      | {
          initiatedEventId?: unknown;
          failure?: Parameters<typeof failureMessage>[0];
          result?: Parameters<typeof payloadValues>[0];
        }
      | null
      | undefined;
    if (!attrs) continue;
    const c = children.get(String(attrs.initiatedEventId));
    if (!c) return;
    c.status = status;
    c.endedAt = at;
    c.failure = failureMessage(attrs.failure);
    if (attrs.result) c.outputs = artifactRefsIn(values(attrs.result)[0]);
    return;
  }
}

/**
 * `tailor approve/reject` arrive as Updates whose argument is `{by, reason}`; the request carries the sender's
 * identity.
 */
function updateDecision(e: HistoryEvent, at: number): AuditApproval | undefined {
  const req = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
  const name = req?.input?.name;
  if (name !== 'approve' && name !== 'reject') return undefined;
  const arg = firstValue(req?.input?.args) as { by?: unknown; reason?: unknown } | undefined;
  return {
    decision: name === 'approve' ? 'approved' : 'rejected',
    who: typeof arg?.by === 'string' ? arg.by : '?',
    why: typeof arg?.reason === 'string' ? arg.reason : '',
    at,
    identity: req?.meta?.identity ?? undefined,
    source: 'history',
  };
}
