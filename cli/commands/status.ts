import { WorkflowNotFoundError } from '@temporalio/client';
import type { FineTuneProgress } from '../../core/pipeline/fineTuneTypes';
import type { PipelineProgress, PipelineResult } from '../../core/pipeline/pipelineTypes';
import { formatDuration } from '../../core/report/renderRunReport';
import { textTable } from '../../core/report/textTable';
import { pendingApprovalQuery } from '../../workflows/deployMessages';
import { fineTuneProgressQuery, progressQuery } from '../../workflows/messages';
import { fineTuneLine } from '../stack/fineTuneLine';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { connectClient } from '../temporalConnection';
import { clientTarget } from './run';

export const command: CliCommand = {
  name: 'status',
  summary: "show a run's progress or result",
  help: `Usage: tailor status RUN [--json]

Shows a pipeline run: while it runs, its \`progress\` query (every step's state, and while it trains, the
job's or the self-hosted trainer's step and loss); once it has finished,
its result (or its failure). RUN is the run ID that \`tailor run\` printed.

Options:
  --json   print the progress or result as JSON

Exit codes: 0 running or succeeded, 1 failed, cancelled or terminated, 2 unknown run or usage error.`,
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
      const status = desc.status.name;
      if (status === 'RUNNING') {
        const p: PipelineProgress = await handle.query(progressQuery);
        // A deploy step waiting for a person is the one thing an operator must act on: show it.
        const pendingApproval =
          p.stage === 'deploy' ? await client.workflow.getHandle(`${runId}/deploy`).query(pendingApprovalQuery).catch(() => null) : null;
        // Training: the job's (or the self-hosted trainer's) step and loss from the fine-tune step's own query.
        const fineTune: FineTuneProgress | null =
          p.stage === 'fine-tune' ? await client.workflow.getHandle(`${runId}/fine-tune`).query(fineTuneProgressQuery).catch(() => null) : null;
        if (values.json) process.stdout.write(JSON.stringify({ runId, status, progress: p, pendingApproval, fineTune }) + '\n');
        else {
          printSteps(`${runId}: RUNNING (stage ${p.stage})`, p.steps);
          if (fineTune) console.log(`\nfine-tune: ${fineTuneLine(fineTune)}`);
          if (pendingApproval) {
            console.log(
              `\nWaiting since ${new Date(pendingApproval.waitingSince).toISOString()} for approval by one of ${pendingApproval.approvers.join(', ')} ` +
                `(until ${new Date(pendingApproval.deadline).toISOString()}): ${pendingApproval.candidate.model} scored ${pendingApproval.candidate.score.toFixed(3)} ` +
                `vs ${pendingApproval.baseline.kind} ${pendingApproval.baseline.score.toFixed(3)}.\n` +
                `  tailor approve ${runId} --by NAME --reason TEXT   (or tailor reject …)`,
            );
          }
        }
        return 0;
      }
      if (status === 'COMPLETED') {
        const r = (await handle.result()) as PipelineResult;
        if (values.json) process.stdout.write(JSON.stringify({ runId, status, result: r }) + '\n');
        else {
          printSteps(`${runId}: COMPLETED, ${r.deploy.outcome} (${r.deploy.alias} → ${r.deploy.model ?? 'unchanged'})`, r.steps);
          console.log('\n' + textTable(['variant', 'model', 'score', 'n'], r.leaderboard.map((s) => [s.label, s.model, s.score.toFixed(3), String(s.n)])));
        }
        return 0;
      }
      let error = '';
      try {
        await handle.result();
      } catch (err) {
        let e = err as { message?: string; cause?: unknown };
        while (e.cause) e = e.cause as { message?: string; cause?: unknown };
        error = e.message ?? String(err);
      }
      if (values.json) process.stdout.write(JSON.stringify({ runId, status, error }) + '\n');
      else console.log(`${runId}: ${status}${error ? `: ${error}` : ''}`);
      return 1;
    } finally {
      await connection.close();
    }
  },
};

function printSteps(title: string, steps: PipelineProgress['steps']): void {
  console.log(title);
  console.log(textTable(['step', 'status', 'duration', 'detail'], steps.map((s) => [s.name, s.status, formatDuration(s), s.detail ?? s.error ?? ''])));
}
