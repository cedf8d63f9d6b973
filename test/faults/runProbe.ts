import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

/** The child workflows a pipeline run starts, by ID suffix. */
const CHILDREN = ['fine-tune', 'evaluate', 'deploy'];
const runAndChildren = (runId: string) => [runId, ...CHILDREN.map((c) => `${runId}/${c}`)];

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * Each event of a workflow's history with the type of the activity it concerns (if any); none when it never started.
 */
async function activityEvents(
  client: Client,
  workflowId: string,
): Promise<{ event: HistoryEvent; activity: string }[]> {
  let history;
  try {
    history = await client.workflow.getHandle(workflowId).fetchHistory();
  } catch {
    return []; // a workflow (child) not started yet
  }
  const scheduled = new Map<string, string>();
  return (history.events ?? []).map((event) => {
    const s = event.activityTaskScheduledEventAttributes;
    if (s && event.eventId != null) scheduled.set(String(event.eventId), s.activityType?.name ?? '');
    const ref =
      event.activityTaskStartedEventAttributes?.scheduledEventId ??
      event.activityTaskCompletedEventAttributes?.scheduledEventId;
    return { event, activity: ref != null ? (scheduled.get(String(ref)) ?? '?') : '' };
  });
}

/**
 * Activities of one workflow that completed, in order, from Temporal's own event history: how a fault test sees a
 * step boundary pass without asking the (maybe dead) worker.
 */
export async function completedActivities(client: Client, workflowId: string): Promise<string[]> {
  return (await activityEvents(client, workflowId))
    .filter((e) => e.event.activityTaskCompletedEventAttributes)
    .map((e) => e.activity);
}

/**
 * Activities of a run (and its children) that needed retries: server-side retries leave no event per failed
 * attempt; the attempt that finally ran records how many came before and the last one's failure.
 */
export async function retriedActivities(
  client: Client,
  runId: string,
): Promise<{ activity: string; attempt: number; lastFailure: string }[]> {
  const out: { activity: string; attempt: number; lastFailure: string }[] = [];
  for (const id of runAndChildren(runId)) {
    for (const { event, activity } of await activityEvents(client, id)) {
      const st = event.activityTaskStartedEventAttributes;
      if (st && (st.attempt ?? 1) > 1)
        out.push({ activity, attempt: st.attempt ?? 1, lastFailure: st.lastFailure?.message ?? '' });
    }
  }
  return out;
}

/** What the run was doing (activities pending on the server), to say where a kill landed. */
export async function pendingWork(client: Client, runId: string): Promise<string> {
  const parts: string[] = [];
  for (const id of runAndChildren(runId)) {
    try {
      const d = await client.workflow.getHandle(id).describe();
      if (d.status.name !== 'RUNNING') continue;
      parts.push(...new Set((d.raw.pendingActivities ?? []).map((a) => a.activityType?.name ?? '?')));
    } catch {
      // a child not started yet
    }
  }
  return parts.length ? parts.join('+') : 'between tasks';
}
