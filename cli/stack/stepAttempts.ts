import type { Client } from '@temporalio/client';
import type { StepName } from '../../core/pipeline/pipelineTypes';

/** Which step each parent-workflow activity belongs to; child workflows map whole to their step. */
const PARENT_ACTIVITY_STEP: Record<string, StepName> = {
  materializeDistillPrompts: 'distill',
  askTeacher: 'distill',
  compareWithTeacher: 'compare',
  prepareDataset: 'prepare',
  validateDataset: 'validate',
  resolveAlias: 'evaluate',
  writeRunReport: 'deploy',
};
const CHILD_STEP: Record<string, StepName> = {
  'fine-tune-sft': 'fine-tune',
  'fine-tune': 'fine-tune',
  evaluate: 'evaluate',
  deploy: 'deploy',
};

export interface StepAttempts {
  /** The highest attempt any of the step's activities needed (1 = no retry). */
  attempts: number;
  activities: number;
}

/**
 * Reads attempts from Temporal's own event history (ActivityTaskStarted carries the attempt number), so the step
 * table shows what the server recorded, not what the workflow believed.
 */
export async function stepAttempts(client: Client, runId: string): Promise<Partial<Record<StepName, StepAttempts>>> {
  const out: Partial<Record<StepName, StepAttempts>> = {};
  const add = (step: StepName, attempt: number) => {
    const cur = out[step] ?? { attempts: 0, activities: 0 };
    out[step] = { attempts: Math.max(cur.attempts, attempt), activities: cur.activities + 1 };
  };
  const scan = async (workflowId: string, stepOf: (activityType: string) => StepName | undefined) => {
    let history;
    try {
      history = await client.workflow.getHandle(workflowId).fetchHistory();
    } catch {
      return; // a child that never started has no history
    }
    const scheduled = new Map<string, string>();
    for (const e of history.events ?? []) {
      const s = e.activityTaskScheduledEventAttributes;
      if (s && e.eventId != null) scheduled.set(String(e.eventId), s.activityType?.name ?? '');
      const st = e.activityTaskStartedEventAttributes;
      if (st) {
        const type = scheduled.get(String(st.scheduledEventId)) ?? '';
        const step = stepOf(type);
        if (step) add(step, st.attempt ?? 1);
      }
    }
  };
  await scan(runId, (t) => PARENT_ACTIVITY_STEP[t]);
  for (const [suffix, step] of Object.entries(CHILD_STEP)) await scan(`${runId}/${suffix}`, () => step);
  return out;
}
