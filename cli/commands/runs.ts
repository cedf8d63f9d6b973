import { parseDuration } from '../../core/operations/duration';
import { runsQuery } from '../../core/operations/runsQuery';
import {
  TailorDatasetSha,
  TailorModel,
  TailorOutcome,
  TailorPipeline,
  TailorStage,
} from '../../core/operations/searchAttributes';
import { intOption, parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { runKindOf } from '../stack/runKind';
import { connectClient } from '../temporalConnection';
import { clientTarget } from './run';

export const command: CliCommand = {
  name: 'runs',
  summary: 'find runs by pipeline, dataset hash, outcome and age (Temporal visibility)',
  help: `Usage: tailor runs [--pipeline P] [--dataset SHA] [--outcome O] [--since 7d] [--all] [--limit 50] [--json]

Lists pipeline runs (and online-evaluation ticks that raised an alert) through a visibility query on Tailor's search attributes (TailorPipeline, TailorDatasetSha,
TailorStage, TailorModel, TailorOutcome); the query is printed so the same filter can be pasted into the Temporal
Web UI. --dataset takes the whole sha256 or a prefix of it. --all includes scheduled runs, watchers and triggered
evaluations, and (with no other filter) eval suites, prompt searches, rollbacks, index builds and sunset checks.
\`tailor status ID\` shows any of them.

Example: tailor runs --pipeline support-tickets --outcome promoted --since 7d`,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      {
        pipeline: { type: 'string' },
        dataset: { type: 'string' },
        outcome: { type: 'string' },
        since: { type: 'string' },
        all: { type: 'boolean' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
      },
      false,
    );
    let sinceMs: number | undefined;
    if (values.since !== undefined) {
      const ms = parseDuration(values.since);
      if (ms === undefined) throw new UsageError(`--since expects a duration like 7d or 12h, got '${values.since}'`);
      sinceMs = Date.now() - ms;
    }
    if (values.dataset !== undefined && !/^[0-9a-f]{4,64}$/.test(values.dataset))
      throw new UsageError(`--dataset expects a hex sha256 (or a prefix of one), got '${values.dataset}'`);
    const limit = intOption('limit', values.limit, 50);
    const query = runsQuery({
      pipeline: values.pipeline,
      datasetSha: values.dataset,
      outcome: values.outcome,
      sinceMs,
      all: values.all === true,
    });
    const { client, connection } = await connectClient(await clientTarget());
    try {
      const rows = [];
      for await (const wf of client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
        const sa = wf.typedSearchAttributes;
        rows.push({
          runId: wf.workflowId,
          type: wf.type,
          kind: runKindOf(wf.type),
          status: wf.status.name.toLowerCase(),
          pipeline: sa.get(TailorPipeline) ?? null,
          datasetSha256: sa.get(TailorDatasetSha) ?? null,
          stage: sa.get(TailorStage) ?? null,
          model: sa.get(TailorModel) ?? null,
          outcome: sa.get(TailorOutcome) ?? null,
          startedAt: wf.startTime.toISOString(),
          closedAt: wf.closeTime?.toISOString() ?? null,
        });
        if (rows.length >= limit) break;
      }
      if (values.json) {
        console.log(JSON.stringify({ query, runs: rows }));
        return 0;
      }
      console.error(`query: ${query}`);
      if (rows.length === 0) console.log('no runs');
      for (const r of rows) {
        console.log(
          `${r.runId}  ${r.kind}  ${r.status}  ${r.stage ?? '-'}  ${r.outcome ?? '-'}  ` +
            `${r.datasetSha256?.slice(0, 12) ?? '-'}  ${r.startedAt}`,
        );
      }
      return 0;
    } finally {
      await connection.close();
    }
  },
};
