import { QueryNotRegisteredError, WorkflowNotFoundError } from '@temporalio/client';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { encryptionProblem } from '../stack/encryptedRun';
import { failureCause } from '../../core/failures/failureCause';
import { runKindOf, type WorkflowTypeName } from '../stack/runKind';
import { KIND_STATUS, OTHER_STATUS } from '../stack/status/kinds';
import type { StatusContext, StatusView } from '../stack/status/statusView';
import { connectClient } from '../temporalConnection';
import { clientTarget } from './run';

export const command: CliCommand = {
  name: 'status',
  summary: "show any Tailor run's progress or result",
  help: `Usage: tailor status RUN [--json]

Shows any run Tailor starts (pipeline, scheduled run, watcher, watcher evaluation, eval suite, prompt search,
rollback, deploy, index build, sunset check), found by its workflow type. While it runs: its own progress (a
pipeline's steps, and while it trains the job's or the self-hosted trainer's step and loss; a watcher's pending
change and debounce deadline; an eval's cases done). Once it has finished: its result (an evaluation's scores, a
skipped scheduled run's reason) or the root cause of its failure. RUN is the ID that \`tailor run\` or
\`tailor runs --all\` printed.

Options:
  --json   print the status as JSON ({ runId, kind, status, ... })

Exit codes: 0 running or succeeded, 1 failed, cancelled, terminated or timed out, 2 unknown run, a payload this
process cannot decrypt (the message names the key ID), or a usage error.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean', default: false } });
    if (positionals.length !== 1) throw new UsageError('expected exactly one RUN id');
    const runId = positionals[0]!;
    const { client, connection } = await connectClient(await clientTarget());
    try {
      const handle = client.workflow.getHandle(runId);
      let desc;
      try {
        desc = await handle.describe();
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new UsageError(`no run named '${runId}'`);
        throw err;
      }
      const ctx: StatusContext = { client, runId, handle, desc };
      const status = desc.status.name;
      const kind = runKindOf(desc.type);
      const shows = kind === 'other' ? OTHER_STATUS : KIND_STATUS[desc.type as WorkflowTypeName];
      let shown: StatusView;
      let code = 0;
      try {
        if (status === 'RUNNING') shown = await shows.running(ctx).catch(olderCode);
        else if (status === 'COMPLETED') shown = await shows.completed(ctx, await handle.result());
        else {
          code = 1;
          shown = await failedView(handle, runId);
        }
      } catch (err) {
        const problem = await encryptionProblem(err, handle, runId);
        if (problem) throw new UsageError(problem);
        throw err;
      }
      const json = { runId, kind, type: desc.type, status, ...shown.json };
      if (values.json) process.stdout.write(JSON.stringify(json) + '\n');
      else {
        console.log(`${runId}: ${status}${shown.headline}${kind === 'other' ? '' : ` [${kind}]`}`);
        if (shown.lines.length) console.log(shown.lines.join('\n'));
      }
      return code;
    } finally {
      await connection.close();
    }
  },
};

/** A run started by workflow code from before its kind's query: say so instead of a stack. */
function olderCode(err: unknown): StatusView {
  if (!(err instanceof QueryNotRegisteredError)) throw err;
  return { headline: ' (started by an older version without a progress query)', lines: [], json: { progress: null } };
}

/** A run that failed, was cancelled, terminated or timed out: the root cause, as `tailor run --wait` prints it. */
async function failedView(handle: StatusContext['handle'], runId: string): Promise<StatusView> {
  try {
    await handle.result();
  } catch (err) {
    // A failure encoded with a key this process lacks: say which key, not "Unknown encoding".
    const problem = await encryptionProblem(err, handle, runId);
    if (problem) throw new UsageError(problem);
    const { message, type } = failureCause(err);
    return { headline: `: ${message}`, lines: [], json: { error: message, ...(type ? { errorType: type } : {}) } };
  }
  return { headline: '', lines: [], json: { error: '' } };
}
