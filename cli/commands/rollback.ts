import os from 'node:os';
import { WorkflowFailedError } from '@temporalio/client';
import { TASK_QUEUE } from '../../workers/taskQueue';
import { rollbackWorkflow } from '../../workflows/rollbackWorkflow';
import { aliasArg } from '../aliasArg';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { connectClient } from '../temporalConnection';
import { clientTarget } from './run';
import { failureCause } from '../../core/failures/failureCause';

export const command: CliCommand = {
  name: 'rollback',
  summary: 'move NAME@ALIAS back to its previous model',
  help: `Usage: tailor rollback NAME@ALIAS --reason TEXT [--by NAME] [--json]

Moves the alias back to the model it named before, as a workflow run of its own (its run ID is printed; see it
with \`tailor audit RUN\` and in \`tailor registry history NAME@ALIAS\`). Exit 1 when there is nothing to go back to.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      reason: { type: 'string' },
      by: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1) throw new UsageError('expected NAME@ALIAS');
    if (!values.reason) throw new UsageError('--reason TEXT is required');
    const ref = aliasArg(positionals[0]!);
    const by = values.by ?? os.userInfo().username;
    const { client, connection } = await connectClient(await clientTarget());
    const runId = `rollback-${ref.pipeline}-${ref.alias}-${Date.now().toString(36)}`;
    try {
      const moved = await client.workflow.execute(rollbackWorkflow, {
        workflowId: runId,
        taskQueue: TASK_QUEUE,
        args: [{ pipeline: ref.pipeline, alias: ref.alias, who: by, reason: values.reason }],
      });
      if (values.json) process.stdout.write(JSON.stringify({ runId, ...moved }) + '\n');
      else console.log(`${runId}: ${ref.pipeline}@${ref.alias} ${moved.from} → ${moved.to ?? '(unset)'}`);
      return 0;
    } catch (err) {
      if (err instanceof WorkflowFailedError) {
        console.error(`tailor rollback: ${failureCause(err).message}`);
        return 1;
      }
      throw err;
    } finally {
      await connection.close();
    }
  },
};
