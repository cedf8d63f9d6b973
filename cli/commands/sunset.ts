import path from 'node:path';
import { findSunsets } from '../../activities/operations/findSunsets';
import { loadSuccessorFile, resolveSuccessor } from '../../config/successorSpec';
import { YamlSpecError } from '../../config/yamlDiagnostics';
import { parseDuration } from '../../core/operations/duration';
import type { SunsetSuccessor } from '../../core/operations/sunsetFollowUp';
import { TASK_QUEUE } from '../../workers/taskQueue';
import { sunsetWatchWorkflow, type SunsetWatchResult } from '../../workflows/sunsetWatchWorkflow';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { withProvider } from '../stack/providerOnly';
import { serverKnowsTailorAttributes } from '../stack/searchAttributesKnown';
import { connectClient } from '../temporalConnection';
import { clientTarget } from './run';

/** The successors the options name, loaded and checked now, so a bad file fails here and not inside a schedule. */
function successorsFrom(values: {
  successors?: string;
  'successor-spec'?: string;
  'successor-base'?: string;
  'on-base'?: string;
}): SunsetSuccessor[] {
  if ((values['successor-base'] || values['on-base']) && !values['successor-spec'])
    throw new UsageError('--successor-base and --on-base go with --successor-spec FILE');
  try {
    const out = values.successors ? loadSuccessorFile(values.successors) : [];
    if (values['successor-spec']) {
      out.push(
        resolveSuccessor(
          {
            spec: path.resolve(values['successor-spec']),
            baseModel: values['successor-base'],
            onBase: values['on-base'],
          },
          process.cwd(),
        ),
      );
    }
    return out;
  } catch (err) {
    if (err instanceof YamlSpecError) throw new UsageError(err.message);
    throw err;
  }
}

function print(report: SunsetWatchResult, json: boolean): void {
  if (json) return console.log(JSON.stringify(report));
  if (report.findings.length === 0)
    console.log(`no base model behind ${report.aliases} alias(es) shuts down within ${report.horizonDays} days`);
  for (const f of report.findings) {
    const when = f.daysLeft < 0 ? `shut down ${-f.daysLeft} days ago` : `shuts down in ${f.daysLeft} days`;
    console.log(`${f.pipeline}@${f.alias}: ${f.model} (base ${f.baseModel}) ${when} (${f.shutdownDate})`);
  }
  for (const u of report.followUps ?? []) {
    console.log(
      `successor for ${u.pipeline} on ${u.successorBaseModel}: ` +
        `${u.started ? 'started' : 'already started earlier'} ${u.workflowId}`,
    );
  }
}

export const command: CliCommand = {
  name: 'sunset',
  summary: 'report aliased models whose base model the provider shuts down within a horizon; start their successors',
  help: `Usage: tailor sunset [--horizon 90d] [--pipeline P] [--json] [SUCCESSORS]
       tailor sunset --schedule EVERY [--horizon 90d] [--name NAME] [SUCCESSORS]

Reads every alias in the registry, traces its model to the base model, and reads that base model's
shutdown_date from the provider's /v1/models. Reports those shutting down within the horizon (or already shut
down). Exit 0 when none, 1 when some are found. With --schedule, creates a Temporal Schedule (default name
sunset-watch) that runs the same check as sunsetWatchWorkflow; its reports are the runs' results.

SUCCESSORS (what to run when a base model goes away; the check then runs as a workflow on Temporal):
  --successors FILE        a YAML file of rules:
                             successors:
                               - spec: pipeline.yaml            # relative to FILE; its name = the pipeline it serves
                                 onBase: gpt-4.1-nano-2025-04-14  # optional: only on this base's sunset
                                 baseModel: gpt-4.1-mini-2025-04-14  # optional: the successor base model
                                 provider: { type: openai }       # optional: another provider
  --successor-spec FILE    one rule from the command line: run this pipeline spec
  --successor-base MODEL   ... with this base model instead of the spec's
  --on-base MODEL          ... only when this base model is shutting down
For each finding that calls for a rule, the pipeline starts under its content-derived run ID (pipeline name,
dataset sha256, spec sha256 with the overrides), so repeating the check starts nothing new. The run evaluates
the alias's current model and gates against it as usual. Specs are read when the command runs (for --schedule,
when the schedule is created).

Example: tailor sunset --horizon 30d --successor-spec pipeline.yaml --successor-base gpt-4.1-mini-2025-04-14`,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      {
        horizon: { type: 'string' },
        pipeline: { type: 'string' },
        json: { type: 'boolean' },
        schedule: { type: 'string' },
        name: { type: 'string' },
        successors: { type: 'string' },
        'successor-spec': { type: 'string' },
        'successor-base': { type: 'string' },
        'on-base': { type: 'string' },
      },
      false,
    );
    const horizonMs = parseDuration(values.horizon ?? '90d');
    if (horizonMs === undefined) throw new UsageError(`--horizon expects a duration like 90d, got '${values.horizon}'`);
    const everyMs = values.schedule === undefined ? undefined : parseDuration(values.schedule);
    if (values.schedule !== undefined && everyMs === undefined)
      throw new UsageError(`--schedule expects a duration like 1d, got '${values.schedule}'`);
    const successors = successorsFrom(values);
    if (everyMs === undefined && successors.length === 0) {
      // The check itself needs no Temporal: the registry is local and the provider is one HTTP call.
      const check = () => findSunsets({ horizonMs, pipeline: values.pipeline });
      const report = await withProvider((line) => console.error(line), check);
      print(report, values.json === true);
      return report.findings.length === 0 ? 0 : 1;
    }
    const target = await clientTarget();
    const { client, connection } = await connectClient(target);
    try {
      const indexed = successors.length ? await serverKnowsTailorAttributes(client, target.namespace) : undefined;
      const args = [
        { horizonMs, pipeline: values.pipeline, ...(successors.length ? { successors, indexed } : {}) },
      ] as const;
      if (everyMs !== undefined) {
        const name = values.name ?? 'sunset-watch';
        await client.schedule.create({
          scheduleId: name,
          spec: { intervals: [{ every: everyMs }] },
          action: {
            type: 'startWorkflow',
            workflowType: sunsetWatchWorkflow,
            workflowId: name,
            taskQueue: TASK_QUEUE,
            args: [...args],
          },
          memo: { pipeline: values.pipeline ?? '*' },
        });
        console.log(
          `schedule ${name}: sunset check every ${values.schedule}, horizon ${values.horizon ?? '90d'}` +
            `${successors.length ? `, ${successors.length} successor rule(s)` : ''}`,
        );
        return 0;
      }
      const report = await client.workflow.execute(sunsetWatchWorkflow, {
        workflowId: `sunset-check-${Date.now().toString(36)}`,
        taskQueue: TASK_QUEUE,
        args: [...args],
      });
      print(report, values.json === true);
      return report.findings.length === 0 ? 0 : 1;
    } finally {
      await connection.close();
    }
  },
};
