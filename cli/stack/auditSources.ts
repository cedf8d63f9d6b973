import { WorkflowNotFoundError, type Client, type Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { openRegistry } from '../../stores/registry/registryBackend';
import type { AuditSources, PendingActivity, RunStatus } from '../../core/audit/auditTypes';
import type { HistoryEvent } from '../../core/audit/historyValues';
import type { PipelineProgress } from '../../core/pipeline/pipelineTypes';
import { tailorDataConverter } from '../../workers/dataConverter';
import { decodeFailureAttributes } from '../../workers/failureAttributes';
import { progressQuery } from '../../workflows/messages';
import { UsageError } from '../command';

/** A run with more descendants than this is not a Tailor run; stop instead of walking forever. */
const MAX_WORKFLOWS = 100;
const QUERY_DEADLINE_MS = 5_000;

type PayloadList = { payloads?: unknown[] | null };

/** Decodes every payload list in the events in place (not search attributes: the server indexes those in clear). */
async function decodePayloads(node: unknown, codec: PayloadCodec, depth = 0): Promise<void> {
  if (!node || typeof node !== 'object' || depth > 12) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'searchAttributes' || !value || typeof value !== 'object') continue;
    const list = (value as PayloadList).payloads;
    if (Array.isArray(list) && list.length) (value as PayloadList).payloads = await codec.decode(list as never);
    else await decodePayloads(value, codec, depth + 1);
  }
}

const statusOf = (name: string | undefined): RunStatus => {
  const s = (name ?? '').toLowerCase();
  return s === 'canceled'
    ? 'cancelled'
    : ((['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed_out', 'continued_as_new'] as const).find(
        (x) => x === s,
      ) ?? 'unknown');
};

/**
 * Gathers what `tailor audit` reads: the run's and its descendants' histories (decoded through the configured codec),
 * the server's pending activities, the pipeline's step record and spend (its progress query, which a worker answers),
 * and the registry's rows for the run.
 * @throws UsageError when no run has that ID.
 */
export async function collectAuditSources(
  client: Client,
  connection: Connection,
  runId: string,
): Promise<AuditSources> {
  const codec = tailorDataConverter()?.payloadCodecs[0];
  let rootStatus: RunStatus;
  try {
    rootStatus = statusOf((await client.workflow.getHandle(runId).describe()).status.name);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new UsageError(`no run named '${runId}'`);
    throw err;
  }
  const workflows: AuditSources['workflows'] = [];
  const pending: PendingActivity[] = [];
  const queue = [runId];
  while (queue.length && workflows.length < MAX_WORKFLOWS) {
    const workflowId = queue.shift()!;
    const handle = client.workflow.getHandle(workflowId);
    let events: HistoryEvent[];
    try {
      events = (await handle.fetchHistory()).events ?? [];
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || /not found/i.test((err as Error).message)) continue; // never started
      throw err;
    }
    if (codec) await decodePayloads(events, codec);
    await decodeFailureAttributes(events, codec);
    workflows.push({ workflowId, events });
    for (const e of events) {
      const child = e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
      if (child && !queue.includes(child) && !workflows.some((w) => w.workflowId === child)) queue.push(child);
    }
    const open = !events.some(
      (e) =>
        e.workflowExecutionCompletedEventAttributes ||
        e.workflowExecutionFailedEventAttributes ||
        e.workflowExecutionCanceledEventAttributes ||
        e.workflowExecutionTerminatedEventAttributes ||
        e.workflowExecutionTimedOutEventAttributes,
    );
    if (open) {
      const desc = await handle.describe().catch(() => undefined);
      await decodeFailureAttributes(desc?.raw.pendingActivities, codec);
      for (const p of desc?.raw.pendingActivities ?? []) {
        pending.push({
          workflowId,
          activityId: p.activityId ?? '',
          attempt: p.attempt ?? 1,
          lastFailure: p.lastFailure?.message ?? undefined,
        });
      }
    }
  }
  const isPipeline =
    workflows[0]?.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name === 'customizationPipeline';
  // A finished pipeline's result carries its steps and spend (read from history); otherwise ask the workflow.
  const progress =
    isPipeline && rootStatus !== 'completed'
      ? await connection
          .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => client.workflow.getHandle(runId).query(progressQuery))
          .catch((): PipelineProgress | undefined => undefined)
      : undefined;
  const registry = await openRegistry();
  try {
    return {
      runId,
      status: rootStatus,
      workflows,
      pending,
      progress,
      registry: {
        models: (await registry.listModels()).filter((m) => m.runId === runId),
        aliasMoves: await registry.historyOfRun(runId),
        approvals: await registry.approvalsOfRun(runId),
      },
    };
  } finally {
    await registry.close();
  }
}
