import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { ApprovalDecision } from '../../core/deploy/approval';
import { approveUpdate, rejectUpdate } from '../../workflows/deployMessages';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { clientTarget } from '../commands/run';
import { connectClient } from '../temporalConnection';

/** `tailor approve` and `tailor reject`: an Update on the run's deploy step, refused (exit 2) when invalid. */
export function approvalCommand(kind: 'approve' | 'reject'): CliCommand {
  const verb = kind === 'approve' ? 'approves' : 'rejects';
  return {
    name: kind,
    summary: `${kind} a deployment that waits for manual approval`,
    help: `Usage: tailor ${kind} RUN --by NAME --reason TEXT [--json]

${verb.charAt(0).toUpperCase() + verb.slice(1)} the promotion that run RUN waits for (deploy.approval: manual). NAME must be one of
the spec's approvers and a reason is required; a request that fails either check is refused and the run keeps
waiting. \`tailor status RUN\` shows what waits.`,
    async run(argv) {
      const { values, positionals } = parseCommandArgs(argv, {
        by: { type: 'string' },
        reason: { type: 'string' },
        json: { type: 'boolean', default: false },
      });
      if (positionals.length !== 1) throw new UsageError('expected exactly one RUN id');
      if (!values.by) throw new UsageError('--by NAME is required');
      if (!values.reason) throw new UsageError('--reason TEXT is required');
      const runId = positionals[0]!;
      const { client, connection } = await connectClient(await clientTarget());
      try {
        const handle = client.workflow.getHandle(`${runId}/deploy`);
        let decision: ApprovalDecision;
        try {
          decision = await handle.executeUpdate(kind === 'approve' ? approveUpdate : rejectUpdate, {
            args: [{ by: values.by, reason: values.reason }],
          });
        } catch (err) {
          if (err instanceof WorkflowUpdateFailedError)
            throw new UsageError(`refused: ${(err.cause as Error | undefined)?.message ?? err.message}`);
          if (err instanceof WorkflowNotFoundError)
            throw new UsageError(`run '${runId}' has no deploy step waiting (not started yet, or already finished)`);
          if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
            throw new UsageError(`run '${runId}' did not answer; is a worker running?`);
          if (/workflow execution already completed/i.test((err as Error).message))
            throw new UsageError(`run '${runId}' has already finished its deploy step`);
          throw err;
        }
        if (values.json) process.stdout.write(JSON.stringify(decision) + '\n');
        else console.log(`${runId}: ${decision.decision} by ${decision.by}: ${decision.reason}`);
        return 0;
      } finally {
        await connection.close();
      }
    },
  };
}
