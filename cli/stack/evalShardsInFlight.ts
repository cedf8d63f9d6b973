import type { WorkflowHandle } from '@temporalio/client';
import type { LoadedDataConverter } from '@temporalio/common';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { InFlightCases } from './evalProgressLine';

/**
 * Cases the eval's running shards have scored, per variant, from their last heartbeat (evaluateShard reports
 * `{ variant, done, total }` as it goes). A workflow cannot read its activities' heartbeats; a client can, through
 * the run's pending activities. Best effort: a run that has closed, or a shard that has not heartbeated yet, adds 0.
 */
export async function evalShardsInFlight(
  handle: WorkflowHandle,
  converter: LoadedDataConverter,
): Promise<InFlightCases> {
  const out: InFlightCases = {};
  const desc = await handle.describe().catch(() => undefined);
  for (const p of desc?.raw.pendingActivities ?? []) {
    if (p.activityType?.name !== 'evaluateShard' || !p.heartbeatDetails?.payloads?.length) continue;
    const payloads = p.heartbeatDetails.payloads;
    const d = await decodeFromPayloadsAtIndex<unknown>(converter, 0, payloads).catch(() => undefined);
    if (!d || typeof d !== 'object') continue;
    const { variant, done } = d as { variant?: unknown; done?: unknown };
    if (typeof variant === 'string' && typeof done === 'number') out[variant] = (out[variant] ?? 0) + done;
  }
  return out;
}
