import { WorkflowNotFoundError } from '@temporalio/client';
import { Registry } from '../../activities/registry/registryDb';
import { timelineOf, type TimelineEntry } from '../../core/audit/timeline';
import { textTable } from '../../core/report/textTable';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { connectClient } from '../temporalConnection';
import { tailorDataConverter } from '../../workers/dataConverter';
import { clientTarget } from './run';

const CHILD_SUFFIXES = ['fine-tune-sft', 'fine-tune', 'evaluate', 'deploy'];
const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/Z$/, '');

/** Approvals arrive as Update arguments; with the payload codec on they are ciphertext until decoded here. */
async function decodeUpdateArgs(events: { workflowExecutionUpdateAcceptedEventAttributes?: { acceptedRequest?: { input?: { args?: { payloads?: unknown[] | null } | null } | null } | null } | null }[]): Promise<void> {
  const codec = tailorDataConverter()?.payloadCodecs[0];
  if (!codec) return;
  for (const e of events) {
    const args = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args;
    if (args?.payloads?.length) args.payloads = await codec.decode(args.payloads as never);
  }
}

export const command: CliCommand = {
  name: 'audit',
  summary: "a run's step history from Temporal plus the registry's record",
  help: `Usage: tailor audit RUN [--json]

Rebuilds what happened in a run from Temporal's event history (the run and its child workflows: every activity
with its attempts, outcome and duration; approvals and signals) and the registry (alias moves and approvals
recorded under the run's ID). Works for pipeline runs and for \`tailor promote\` / \`tailor rollback\` runs.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean', default: false } });
    if (positionals.length !== 1) throw new UsageError('expected exactly one RUN id');
    const runId = positionals[0]!;
    const { client, connection } = await connectClient(await clientTarget());
    const timeline: TimelineEntry[] = [];
    try {
      for (const id of [runId, ...CHILD_SUFFIXES.map((s) => `${runId}/${s}`)]) {
        try {
          const history = await client.workflow.getHandle(id).fetchHistory();
          await decodeUpdateArgs(history.events ?? []);
          timeline.push(...timelineOf(id, history.events ?? []));
        } catch (err) {
          if (err instanceof WorkflowNotFoundError || /not found/i.test((err as Error).message)) {
            if (id === runId) throw new UsageError(`no run named '${runId}'`);
            continue;
          }
          throw err;
        }
      }
    } finally {
      await connection.close();
    }
    timeline.sort((a, b) => a.at - b.at);
    const registry = new Registry();
    const aliasMoves = registry.historyOfRun(runId);
    const approvals = registry.approvalsOfRun(runId);
    registry.close();
    if (values.json) {
      process.stdout.write(JSON.stringify({ runId, timeline, aliasMoves, approvals }) + '\n');
      return 0;
    }
    console.log(`Audit of ${runId}\n`);
    console.log(
      textTable(
        ['time (UTC)', 'workflow', 'kind', 'name', 'status', 'attempt', 'duration', 'detail'],
        timeline.map((t) => [
          iso(t.at),
          t.workflowId === runId ? '.' : t.workflowId.slice(runId.length),
          t.kind,
          t.name,
          t.status,
          t.attempt ? String(t.attempt) : '',
          t.durationMs !== undefined ? `${t.durationMs} ms` : '',
          (t.detail ?? '').slice(0, 100),
        ]),
      ),
    );
    if (approvals.length) console.log('\nApprovals\n' + textTable(['time (UTC)', 'decision', 'who', 'why'], approvals.map((a) => [iso(a.at), a.decision, a.who, a.why])));
    if (aliasMoves.length) {
      console.log('\nAlias moves\n' + textTable(['time (UTC)', 'alias', 'from', 'to', 'who', 'why'], aliasMoves.map((m) => [iso(m.at), `${m.pipeline}@${m.alias}`, m.fromModel ?? '-', m.toModel ?? '-', m.who, m.why])));
    }
    return 0;
  },
};
