import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { connectClient } from '../temporalConnection';
import { clientTarget } from '../commands/run';

/**
 * A command that acts on one run by ID (pause, resume, cancel): argument parsing, connection and errors in one place.
 */
export function controlCommand(spec: {
  name: string;
  summary: string;
  help: string;
  act: (client: Client, runId: string) => Promise<string>;
}): CliCommand {
  return {
    name: spec.name,
    summary: spec.summary,
    help: spec.help,
    async run(argv) {
      const { positionals } = parseCommandArgs(argv, {});
      if (positionals.length !== 1) throw new UsageError('expected exactly one RUN id');
      const { client, connection } = await connectClient(await clientTarget());
      try {
        console.log(await spec.act(client, positionals[0]!));
        return 0;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError)
          throw new UsageError(`no running run named '${positionals[0]}' (or its fine-tune step has not started)`);
        throw err;
      } finally {
        await connection.close();
      }
    },
  };
}
