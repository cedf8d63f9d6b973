import { workflowInfo } from '@temporalio/workflow';
import { dataActivities } from './activityProxies';

export interface RollbackInput {
  pipeline: string;
  alias: string;
  who: string;
  reason: string;
}

/** `tailor rollback NAME@ALIAS`: the alias goes back to its previous model, as an audited run of its own. */
export async function rollbackWorkflow(input: RollbackInput): Promise<{ from: string; to: string | null }> {
  const runId = workflowInfo().workflowId;
  return dataActivities.rollbackAlias({
    pipeline: input.pipeline,
    alias: input.alias,
    who: input.who,
    why: `rollback: ${input.reason}`,
    runId,
  });
}
