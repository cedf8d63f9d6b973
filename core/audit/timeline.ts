import type { temporal } from '@temporalio/proto';
import { eventMs, type HistoryEvent } from './historyValues';

export interface TimelineEntry {
  workflowId: string;
  /** Milliseconds since the epoch, from the server's event time. */
  at: number;
  kind: 'workflow' | 'activity' | 'child' | 'timer' | 'signal' | 'update';
  name: string;
  status: string;
  attempt?: number;
  durationMs?: number;
  detail?: string;
}

function failureMessage(f: temporal.api.failure.v1.IFailure | null | undefined): string | undefined {
  let cur = f;
  let msg = cur?.message ?? undefined;
  while (cur?.cause) {
    cur = cur.cause;
    msg = cur.message ?? msg;
  }
  return msg ?? undefined;
}

/**
 * The audit view of one workflow's event history: every activity with its final attempt, outcome and duration,
 * child workflows, timers, signals and updates (approvals), in order. Pure: it reads what Temporal recorded.
 */
export function timelineOf(workflowId: string, events: HistoryEvent[]): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const activities = new Map<string, { name: string; at: number; attempt?: number }>();
  const children = new Map<string, { name: string; at: number }>();
  for (const e of events) {
    const at = eventMs(e);
    if (e.workflowExecutionStartedEventAttributes) {
      out.push({
        workflowId,
        at,
        kind: 'workflow',
        name: e.workflowExecutionStartedEventAttributes.workflowType?.name ?? '',
        status: 'started',
      });
    } else if (e.workflowExecutionCompletedEventAttributes) {
      out.push({ workflowId, at, kind: 'workflow', name: workflowId, status: 'completed' });
    } else if (e.workflowExecutionFailedEventAttributes) {
      out.push({
        workflowId,
        at,
        kind: 'workflow',
        name: workflowId,
        status: 'failed',
        detail: failureMessage(e.workflowExecutionFailedEventAttributes.failure),
      });
    } else if (e.workflowExecutionCanceledEventAttributes) {
      out.push({ workflowId, at, kind: 'workflow', name: workflowId, status: 'cancelled' });
    } else if (e.workflowExecutionTerminatedEventAttributes) {
      out.push({
        workflowId,
        at,
        kind: 'workflow',
        name: workflowId,
        status: 'terminated',
        detail: e.workflowExecutionTerminatedEventAttributes.reason ?? undefined,
      });
    } else if (e.activityTaskScheduledEventAttributes) {
      activities.set(String(e.eventId), { name: e.activityTaskScheduledEventAttributes.activityType?.name ?? '', at });
    } else if (e.activityTaskStartedEventAttributes) {
      const a = activities.get(String(e.activityTaskStartedEventAttributes.scheduledEventId));
      if (a) a.attempt = e.activityTaskStartedEventAttributes.attempt ?? 1;
    } else if (
      e.activityTaskCompletedEventAttributes ||
      e.activityTaskFailedEventAttributes ||
      e.activityTaskTimedOutEventAttributes ||
      e.activityTaskCanceledEventAttributes
    ) {
      const attrs =
        e.activityTaskCompletedEventAttributes ??
        e.activityTaskFailedEventAttributes ??
        e.activityTaskTimedOutEventAttributes ??
        e.activityTaskCanceledEventAttributes;
      const a = activities.get(String(attrs?.scheduledEventId));
      if (!a) continue;
      const status = e.activityTaskCompletedEventAttributes
        ? 'completed'
        : e.activityTaskFailedEventAttributes
          ? 'failed'
          : e.activityTaskTimedOutEventAttributes
            ? 'timed out'
            : 'cancelled';
      const detail = failureMessage(
        e.activityTaskFailedEventAttributes?.failure ?? e.activityTaskTimedOutEventAttributes?.failure,
      );
      out.push({
        workflowId,
        at: a.at,
        kind: 'activity',
        name: a.name,
        status,
        attempt: a.attempt,
        durationMs: at - a.at,
        detail,
      });
    } else if (e.startChildWorkflowExecutionInitiatedEventAttributes) {
      children.set(String(e.eventId), {
        name: e.startChildWorkflowExecutionInitiatedEventAttributes.workflowId ?? '',
        at,
      });
    } else if (
      e.childWorkflowExecutionCompletedEventAttributes ||
      e.childWorkflowExecutionFailedEventAttributes ||
      e.childWorkflowExecutionCanceledEventAttributes
    ) {
      const attrs =
        e.childWorkflowExecutionCompletedEventAttributes ??
        e.childWorkflowExecutionFailedEventAttributes ??
        e.childWorkflowExecutionCanceledEventAttributes;
      const c = children.get(String(attrs?.initiatedEventId));
      if (!c) continue;
      const status = e.childWorkflowExecutionCompletedEventAttributes
        ? 'completed'
        : e.childWorkflowExecutionFailedEventAttributes
          ? 'failed'
          : 'cancelled';
      out.push({
        workflowId,
        at: c.at,
        kind: 'child',
        name: c.name,
        status,
        durationMs: at - c.at,
        detail: failureMessage(e.childWorkflowExecutionFailedEventAttributes?.failure),
      });
    } else if (e.workflowExecutionSignaledEventAttributes) {
      out.push({
        workflowId,
        at,
        kind: 'signal',
        name: e.workflowExecutionSignaledEventAttributes.signalName ?? '',
        status: 'received',
        detail: e.workflowExecutionSignaledEventAttributes.identity ?? undefined,
      });
    } else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
      const req = e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest;
      const payload = req?.input?.args?.payloads?.[0]?.data;
      out.push({
        workflowId,
        at,
        kind: 'update',
        name: req?.input?.name ?? '',
        status: 'accepted',
        detail: payload ? Buffer.from(payload).toString('utf8') : undefined,
      });
    }
  }
  return out.sort((a, b) => a.at - b.at);
}
