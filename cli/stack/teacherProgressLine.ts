import type { WorkflowHandle } from '@temporalio/client';
import type { LoadedDataConverter } from '@temporalio/common';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';

/**
 * The `distill` step's line while the teacher answers: `teacher: 120/474 prompts answered`, from the last heartbeat
 * of the run's askTeacher activity (it reports `{ done, total }` per answer, cached ones included). A workflow cannot
 * read its activities' heartbeats; a client can, through the run's pending activities. Empty before the first
 * heartbeat and once the activity has finished.
 */
export async function teacherProgressLine(handle: WorkflowHandle, converter: LoadedDataConverter): Promise<string> {
  const desc = await handle.describe().catch(() => undefined);
  const pending = desc?.raw.pendingActivities?.find((p) => p.activityType?.name === 'askTeacher');
  const payloads = pending?.heartbeatDetails?.payloads;
  if (!payloads?.length) return '';
  const d = await decodeFromPayloadsAtIndex<unknown>(converter, 0, payloads).catch(() => undefined);
  if (!d || typeof d !== 'object') return '';
  const { done, total } = d as { done?: unknown; total?: unknown };
  if (typeof done !== 'number' || typeof total !== 'number') return '';
  return `teacher: ${done}/${total} prompts answered`;
}
