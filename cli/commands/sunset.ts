import { findSunsets } from '../../activities/operations/findSunsets';
import { parseDuration } from '../../core/operations/duration';
import { TASK_QUEUE } from '../../workers/taskQueue';
import { sunsetWatchWorkflow } from '../../workflows/sunsetWatchWorkflow';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { connectClient } from '../temporalConnection';
import { clientTarget } from './run';

export const command: CliCommand = {
  name: 'sunset',
  summary: 'report aliased models whose base model the provider shuts down within a horizon',
  help: `Usage: tailor sunset [--horizon 90d] [--pipeline P] [--json]
       tailor sunset --schedule EVERY [--horizon 90d] [--name NAME]

Reads every alias in the registry, traces its model to the base model, and reads that base model's
shutdown_date from the provider's /v1/models. Reports those shutting down within the horizon (or already shut
down). Exit 0 when none, 1 when some are found. With --schedule, creates a Temporal Schedule (default name
sunset-watch) that runs the same check as sunsetWatchWorkflow; its reports are the runs' results.

Example: tailor sunset --horizon 120d --json`,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      horizon: { type: 'string' },
      pipeline: { type: 'string' },
      json: { type: 'boolean' },
      schedule: { type: 'string' },
      name: { type: 'string' },
    }, false);
    const horizonMs = parseDuration(values.horizon ?? '90d');
    if (horizonMs === undefined) throw new UsageError(`--horizon expects a duration like 90d, got '${values.horizon}'`);
    if (values.schedule) {
      const everyMs = parseDuration(values.schedule);
      if (everyMs === undefined) throw new UsageError(`--schedule expects a duration like 1d, got '${values.schedule}'`);
      const name = values.name ?? 'sunset-watch';
      const { client, connection } = await connectClient(await clientTarget());
      try {
        await client.schedule.create({
          scheduleId: name,
          spec: { intervals: [{ every: everyMs }] },
          action: { type: 'startWorkflow', workflowType: sunsetWatchWorkflow, workflowId: name, taskQueue: TASK_QUEUE, args: [{ horizonMs, pipeline: values.pipeline }] },
          memo: { pipeline: values.pipeline ?? '*' },
        });
      } finally {
        await connection.close();
      }
      console.log(`schedule ${name}: sunset check every ${values.schedule}, horizon ${values.horizon ?? '90d'}`);
      return 0;
    }
    // The check itself needs no Temporal: the registry is local and the provider is one HTTP call.
    const report = await findSunsets({ horizonMs, pipeline: values.pipeline });
    if (values.json) console.log(JSON.stringify(report));
    else if (report.findings.length === 0) console.log(`no base model behind ${report.aliases} alias(es) shuts down within ${report.horizonDays} days`);
    else {
      for (const f of report.findings) {
        const when = f.daysLeft < 0 ? `shut down ${-f.daysLeft} days ago` : `shuts down in ${f.daysLeft} days`;
        console.log(`${f.pipeline}@${f.alias}: ${f.model} (base ${f.baseModel}) ${when} (${f.shutdownDate})`);
      }
    }
    return report.findings.length === 0 ? 0 : 1;
  },
};
