import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleSpec,
} from '@temporalio/client';
import { loadSpec, SpecError, type LoadedSpec, clientResolved } from '../../config/loadSpec';
import { cronProblem } from '../../core/operations/cronExpression';
import { formatDuration, parseDuration } from '../../core/operations/duration';
import { TASK_QUEUE } from '../../workers/taskQueue';
import { scheduledPipelineWorkflow } from '../../workflows/scheduledPipelineWorkflow';
import { TailorPipeline } from '../../core/operations/searchAttributes';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { connectClient } from '../temporalConnection';
import { clientTarget } from './run';

const OVERLAP: Record<string, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  'buffer-one': ScheduleOverlapPolicy.BUFFER_ONE,
  'cancel-other': ScheduleOverlapPolicy.CANCEL_OTHER,
};

const HELP = `Usage: tailor schedule create NAME --spec FILE (--cron EXPR | --every DURATION) [--overlap skip|buffer-one|cancel-other]
                              [--skip-if-unchanged] [--jitter D]
       tailor schedule list [--json]
       tailor schedule describe NAME [--json]
       tailor schedule pause NAME [--note TEXT]
       tailor schedule unpause NAME [--note TEXT]
       tailor schedule trigger NAME
       tailor schedule backfill NAME FROM TO        (ISO-8601 instants)
       tailor schedule delete NAME

Recurring pipeline runs on Temporal Schedules. The spec is loaded and validated at create time and travels with
the schedule; each scheduled run fingerprints the dataset and starts the pipeline under its content-derived run
ID, so a run on unchanged data and spec is never repeated. A distill: spec is fingerprinted by its prompts (the
file, or the alias's captured traffic, as tailor run does); no captured traffic ends the run as 'skipped'.
  --overlap            what to do when a run is still going at the next time (default: skip)
  --skip-if-unchanged  end a run as 'skipped', spending nothing, when the dataset hash equals the last successful run's
  --jitter D           spread each start randomly over D (e.g. 30s)
Durations: 500ms, 2s, 5m, 1h, 1d.

Example: tailor schedule create nightly --spec examples/support-tickets/pipeline.yaml --cron '0 2 * * *' --skip-if-unchanged`;

const MIN_EVERY_MS = 1_000;

function load(file: string): LoadedSpec {
  try {
    return loadSpec(file);
  } catch (err) {
    if (err instanceof SpecError) throw new UsageError(err.message);
    throw err;
  }
}

function duration(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) throw new UsageError(`--${name} expects a duration like 2s, 5m or 1h, got '${value}'`);
  return ms;
}

function instant(name: string, value: string | undefined): Date {
  const at = value === undefined ? NaN : Date.parse(value);
  if (Number.isNaN(at))
    throw new UsageError(`${name} expects an ISO-8601 instant (e.g. 2026-11-01T00:00:00Z), got '${value ?? ''}'`);
  return new Date(at);
}

/** Everything `schedule create` needs, checked before any connection so a bad argument or spec costs nothing. */
function parseCreate(name: string, argv: string[]) {
  const { values } = parseCommandArgs(argv, {
    spec: { type: 'string' },
    cron: { type: 'string' },
    every: { type: 'string' },
    overlap: { type: 'string' },
    'skip-if-unchanged': { type: 'boolean' },
    jitter: { type: 'string' },
  });
  if (!values.spec) throw new UsageError('schedule create needs --spec FILE');
  if (!values.cron === !values.every)
    throw new UsageError('schedule create needs exactly one of --cron EXPR or --every DURATION');
  const overlap = OVERLAP[values.overlap ?? 'skip'];
  if (overlap === undefined)
    throw new UsageError(`--overlap must be skip, buffer-one or cancel-other, got '${values.overlap}'`);
  const everyMs = duration('every', values.every);
  // Temporal schedules count in whole seconds: a shorter interval would fire back to back.
  if (everyMs !== undefined && everyMs < MIN_EVERY_MS)
    throw new UsageError(`--every must be at least 1s, got '${values.every}'`);
  const badCron = values.cron === undefined ? undefined : cronProblem(values.cron);
  if (badCron) throw new UsageError(`--cron '${values.cron}': ${badCron}`);
  const jitterMs = duration('jitter', values.jitter);
  const loaded = load(values.spec);
  const spec: ScheduleSpec = {
    ...(everyMs !== undefined ? { intervals: [{ every: everyMs }] } : { cronExpressions: [values.cron!] }),
    ...(jitterMs !== undefined ? { jitter: jitterMs } : {}),
  };
  return { name, values, overlap, loaded, spec };
}

async function create(
  client: Client,
  { name, values, overlap, loaded, spec }: ReturnType<typeof parseCreate>,
): Promise<string> {
  try {
    await client.schedule.create({
      scheduleId: name,
      spec,
      action: {
        type: 'startWorkflow',
        workflowType: scheduledPipelineWorkflow,
        // Temporal appends the scheduled time, so every run gets its own ID under this prefix.
        workflowId: `scheduled-${name}`,
        taskQueue: TASK_QUEUE,
        args: [
          {
            spec: loaded.spec,
            specSha256: loaded.specSha256,
            ...clientResolved(loaded),
            skipIfUnchanged: values['skip-if-unchanged'] === true,
          },
        ],
        typedSearchAttributes: [{ key: TailorPipeline, value: loaded.spec.name }],
      },
      policies: { overlap, catchupWindow: '1 minute' },
      memo: { pipeline: loaded.spec.name, specFile: loaded.file, specSha256: loaded.specSha256 },
    });
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) throw new UsageError(`a schedule named '${name}' already exists`);
    throw err;
  }
  return `schedule ${name}: ${values.every ? `every ${values.every}` : `cron '${values.cron}'`} → ${loaded.spec.name}`;
}

/** The --skip-if-unchanged flag the schedule's action was created with. */
function skipsIfUnchanged(d: ScheduleDescription): boolean {
  const arg = d.action.type === 'startWorkflow' ? d.action.args?.[0] : undefined;
  return typeof arg === 'object' && arg !== null && (arg as { skipIfUnchanged?: unknown }).skipIfUnchanged === true;
}

/** What describe shows: plain data, so --json and the text view say the same thing. */
function summary(name: string, d: ScheduleDescription) {
  const spec = d.spec;
  return {
    name,
    pipeline: (d.memo as { pipeline?: string } | undefined)?.pipeline ?? null,
    specFile: (d.memo as { specFile?: string } | undefined)?.specFile ?? null,
    when:
      spec.intervals?.map((i) => `every ${formatDuration(Number(i.every))}`).join(', ') ||
      (spec.calendars?.length ? 'cron/calendar' : '(none)'),
    skipIfUnchanged: skipsIfUnchanged(d),
    paused: d.state.paused,
    note: d.state.note ?? null,
    overlap: d.policies.overlap,
    nextRuns: d.info.nextActionTimes.slice(0, 5).map((t) => t.toISOString()),
    running: d.info.runningActions.map((a) => a.workflow.workflowId),
    recent: d.info.recentActions.map((a) => ({
      scheduledAt: a.scheduledAt.toISOString(),
      takenAt: a.takenAt.toISOString(),
      workflowId: a.action.workflow.workflowId,
    })),
    actions: d.info.numActionsTaken,
    skippedOverlap: d.info.numActionsSkippedOverlap,
  };
}

/** Each recent action's outcome, read from the run's result (or its status while it is not done). */
async function outcomes(client: Client, workflowIds: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const id of workflowIds) {
    const handle = client.workflow.getHandle(id);
    const desc = await handle.describe().catch(() => undefined);
    if (!desc) continue;
    if (desc.status.name !== 'COMPLETED') {
      out[id] = desc.status.name.toLowerCase();
      continue;
    }
    const result = (await handle.result().catch(() => undefined)) as { outcome?: string } | undefined;
    out[id] = result?.outcome ?? 'completed';
  }
  return out;
}

async function describe(client: Client, name: string, json: boolean): Promise<string> {
  const d = await client.schedule.getHandle(name).describe();
  const s = summary(name, d);
  const results = await outcomes(
    client,
    s.recent.map((r) => r.workflowId),
  );
  const recent = s.recent.map((r) => ({ ...r, outcome: results[r.workflowId] ?? 'unknown' }));
  if (json) return JSON.stringify({ ...s, recent });
  return [
    `schedule ${name} → ${s.pipeline ?? '?'} (${s.when}; overlap ${s.overlap}` +
      `${s.skipIfUnchanged ? '; skip-if-unchanged' : ''})` +
      `${s.paused ? ` PAUSED${s.note ? `: ${s.note}` : ''}` : ''}`,
    `spec: ${s.specFile ?? '?'}`,
    `actions taken: ${s.actions}, skipped for overlap: ${s.skippedOverlap}`,
    `running: ${s.running.join(', ') || 'none'}`,
    `next runs:`,
    ...s.nextRuns.map((t) => `  ${t}`),
    `recent:`,
    ...recent.map((r) => `  ${r.scheduledAt}  ${r.workflowId}  ${r.outcome}`),
  ].join('\n');
}

async function list(client: Client, json: boolean): Promise<string> {
  const rows: {
    name: string;
    pipeline: string | null;
    paused: boolean;
    note: string | null;
    nextRun: string | null;
  }[] = [];
  for await (const s of client.schedule.list()) {
    rows.push({
      name: s.scheduleId,
      pipeline: (s.memo as { pipeline?: string } | undefined)?.pipeline ?? null,
      paused: s.state.paused,
      note: s.state.note ?? null,
      nextRun: s.info.nextActionTimes[0]?.toISOString() ?? null,
    });
  }
  if (json) return JSON.stringify(rows);
  if (rows.length === 0) return 'no schedules';
  return rows
    .map(
      (r) =>
        `${r.name}  ${r.pipeline ?? '?'}  ` +
        `${r.paused ? `paused${r.note ? ` (${r.note})` : ''}` : `next ${r.nextRun ?? '-'}`}`,
    )
    .join('\n');
}

export const command: CliCommand = {
  name: 'schedule',
  summary: 'recurring pipeline runs on Temporal Schedules (create, list, describe, pause, trigger, backfill, delete)',
  help: HELP,
  async run(argv) {
    const [verb, ...rest] = argv;
    if (!verb) throw new UsageError(`missing sub-command\n\n${HELP}`);
    const needName = () => {
      const name = rest[0];
      if (!name || name.startsWith('--')) throw new UsageError(`schedule ${verb} needs a NAME`);
      return name;
    };
    const known = ['create', 'list', 'describe', 'pause', 'unpause', 'trigger', 'backfill', 'delete'];
    if (!known.includes(verb)) throw new UsageError(`unknown sub-command '${verb}' (one of ${known.join(', ')})`);
    const toCreate = verb === 'create' ? parseCreate(needName(), rest.slice(1)) : undefined;
    const { client, connection } = await connectClient(await clientTarget());
    try {
      let out: string;
      if (toCreate) out = await create(client, toCreate);
      else if (verb === 'list')
        out = await list(client, parseCommandArgs(rest, { json: { type: 'boolean' } }).values.json === true);
      else {
        const name = needName();
        const { values, positionals } = parseCommandArgs(rest.slice(1), {
          note: { type: 'string' },
          json: { type: 'boolean' },
        });
        const handle = client.schedule.getHandle(name);
        if (verb === 'describe') out = await describe(client, name, values.json === true);
        else if (verb === 'pause') {
          await handle.pause(values.note ?? 'paused with tailor schedule pause');
          out = `schedule ${name} paused`;
        } else if (verb === 'unpause') {
          await handle.unpause(values.note ?? 'unpaused with tailor schedule unpause');
          out = `schedule ${name} unpaused`;
        } else if (verb === 'trigger') {
          await handle.trigger();
          out = `schedule ${name} triggered`;
        } else if (verb === 'backfill') {
          const [from, to] = positionals;
          const start = instant('FROM', from);
          const end = instant('TO', to);
          if (end <= start) throw new UsageError('backfill TO must be after FROM');
          await handle.backfill([{ start, end }]);
          out = `schedule ${name}: backfill ${start.toISOString()} → ${end.toISOString()} requested`;
        } else {
          await handle.delete();
          out = `schedule ${name} deleted`;
        }
      }
      console.log(out);
      return 0;
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) throw new UsageError(`no schedule named '${rest[0]}'`);
      throw err;
    } finally {
      await connection.close();
    }
  },
};
