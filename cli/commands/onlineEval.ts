import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  type Client,
} from '@temporalio/client';
import { failureCause } from '../../core/failures/failureCause';
import { exitCodeFor } from '../../core/failures/failureTypes';
import type { OnlineEvalInput, OnlineEvalResult } from '../../core/onlineEval/onlineEvalTypes';
import { formatDuration, parseDuration } from '../../core/operations/duration';
import { TailorPipeline } from '../../core/operations/searchAttributes';
import { openScoreReader, scoreLocationLabel } from '../../stores/onlineEval/scoreBackend';
import type { StoredScore } from '../../stores/onlineEval/scoreStore';
import { TASK_QUEUE } from '../../workers/taskQueue';
import { onlineEvalWorkflow } from '../../workflows/onlineEvalWorkflow';
import { parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { storeUsageError } from '../storeFailure';
import { connectClient } from '../temporalConnection';
import { clientTarget } from './run';
import {
  aliasArg,
  durationArg,
  MAX_SAMPLE,
  onlineEvalInput,
  scheduleIdOf,
  SHARED_OPTIONS,
  suiteGraders,
} from './onlineEvalArgs';
import { onlineEvalHeadline, onlineEvalLines } from './onlineEvalStatus';

const HELP = `Usage: tailor online-eval start NAME@ALIAS --suite FILE [--every 1h] [--window D] [--sample 50]
                                [--threshold 0.8] [--webhook-url URL --secret-env VAR] [--concurrency 4]
       tailor online-eval run-once NAME@ALIAS --suite FILE [--at ISO] [--window 1h] [same flags as start] [--json]
       tailor online-eval scores NAME@ALIAS [--suite NAME] [--model M] [--since 7d] [--json]
       tailor online-eval stop NAME@ALIAS --suite FILE

Grades the traffic 'tailor gateway' captured for an alias (aliases.<NAME@ALIAS>.capture in its config) with an eval
suite's graders, on a Temporal Schedule. Each tick samples up to --sample exchanges per model answered in the window
that ends at the tick (a fixed sample seeded by the tick, so a retry grades the same rows), grades them with the
suite's suite-wide assert: list, and records one score per model (a canary and the primary apart) in
$TAILOR_HOME/online-eval.db (or the PostgreSQL registry TAILOR_REGISTRY names). A model whose mean score is under
--threshold sends the webhook a signed 'online-eval.below-threshold' event (retried by Temporal, once per tick and
model) and ends the run with outcome below-threshold: 'tailor runs' lists it and 'tailor status RUN' shows the
scores.

Captured traffic has no reference answer, so only reference-free graders apply: regex, json_schema, json_field,
contains or exact_match with a fixed value, llm_judge in single mode, model graders without {{item.expected}}.
A grader that needs a reference is refused with the suite file, line and assertion. The suite is read when the
schedule is created and travels with it (edit the file, then stop and start again).
  --every D            how often a tick runs (default 1h; at least 1m)
  --window D           how far back a tick looks (default: --every, 1h for run-once)
  --sample N           exchanges graded per model and tick, 1 to ${MAX_SAMPLE} (default 50)
  --threshold X        the least acceptable mean score, 0 to 1 (default 0.8)
  --webhook-url URL    where below-threshold events are POSTed, signed with the secret in --secret-env VAR
  --at ISO             run-once: the tick (the window's end; default now). One tick is graded once: a second
                       run-once on it prints the first run's result
Durations: 30s, 5m, 1h, 1d.

Example: tailor online-eval start tickets@prod --suite eval/online.yaml --every 1h --sample 50 --threshold 0.8 \\
           --webhook-url https://deploy.example.com/hooks/tailor --secret-env TAILOR_WEBHOOK_SECRET`;

const MIN_EVERY_MS = 60_000;

function searchAttributes(alias: string) {
  return [{ key: TailorPipeline, value: alias.split('@')[0]! }];
}

/** `start`'s flags and suite, checked before any connection: a mistake costs nothing. */
function planStart(alias: string, argv: string[]) {
  const { values } = parseCommandArgs(argv, { ...SHARED_OPTIONS, every: { type: 'string' } }, false);
  const everyMs = durationArg('every', values.every, 3_600_000);
  if (everyMs < MIN_EVERY_MS) throw new UsageError(`--every must be at least 1m, got '${values.every}'`);
  return { everyMs, input: onlineEvalInput(alias, values, everyMs) };
}

async function start(client: Client, alias: string, { everyMs, input }: ReturnType<typeof planStart>): Promise<string> {
  const scheduleId = scheduleIdOf(alias, input.suite);
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: everyMs }] },
      action: {
        type: 'startWorkflow',
        workflowType: onlineEvalWorkflow,
        workflowId: scheduleId,
        taskQueue: TASK_QUEUE,
        args: [input],
        typedSearchAttributes: searchAttributes(alias),
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      memo: { alias, suite: input.suite },
    });
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning)
      throw new UsageError(
        `online evaluation of ${alias} with suite ${input.suite} is already scheduled (${scheduleId})`,
      );
    throw err;
  }
  return (
    `schedule ${scheduleId}: every ${formatDuration(everyMs)}, ${input.sample} exchanges per model over the last ` +
    `${formatDuration(input.windowMs)}, threshold ${input.threshold}` +
    `${input.webhook ? `, alerts to ${input.webhook.url}` : ', no webhook'}`
  );
}

/** `run-once`'s flags, suite and tick, checked before any connection. */
function planRunOnce(alias: string, argv: string[]) {
  const { values } = parseCommandArgs(argv, { ...SHARED_OPTIONS, at: { type: 'string' } }, false);
  const input: OnlineEvalInput = onlineEvalInput(alias, values, 3_600_000);
  const tickAt = values.at === undefined ? Date.now() : Date.parse(values.at);
  if (Number.isNaN(tickAt))
    throw new UsageError(`--at expects an ISO-8601 instant (e.g. 2026-11-01T14:00:00Z), got '${values.at}'`);
  return { input, tickAt, json: values.json === true };
}

async function runOnce(
  client: Client,
  { input, tickAt, json }: ReturnType<typeof planRunOnce>,
): Promise<{ out: string; code: number }> {
  const workflowId = `${scheduleIdOf(input.alias, input.suite)}-${new Date(tickAt).toISOString()}`;
  let handle;
  let earlier = false;
  try {
    handle = await client.workflow.start(onlineEvalWorkflow, {
      workflowId,
      taskQueue: TASK_QUEUE,
      args: [{ ...input, tickAt }],
      // One tick is graded once; a failed one may be run again.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: searchAttributes(input.alias),
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    handle = client.workflow.getHandle<typeof onlineEvalWorkflow>(workflowId);
    earlier = true;
  }
  let result: OnlineEvalResult;
  try {
    result = await handle.result();
  } catch (err) {
    const cause = failureCause(err);
    if (json) return { out: JSON.stringify({ ok: false, workflowId, error: cause.message }), code: 1 };
    return {
      out: `online-eval ${workflowId} failed: ${cause.message}`,
      code: err instanceof WorkflowFailedError ? exitCodeFor(cause.type) : 1,
    };
  }
  if (json) return { out: JSON.stringify({ ok: true, workflowId, earlier, ...result }), code: 0 };
  const lines = [
    `${workflowId}${earlier ? ' (this tick was evaluated before: its result)' : ''}${onlineEvalHeadline(result)}`,
    ...onlineEvalLines(result),
  ];
  return { out: lines.join('\n'), code: 0 };
}

async function scores(alias: string, argv: string[]): Promise<string> {
  const { values } = parseCommandArgs(
    argv,
    { suite: { type: 'string' }, model: { type: 'string' }, since: { type: 'string' }, json: { type: 'boolean' } },
    false,
  );
  let since: number | undefined;
  if (values.since !== undefined) {
    const ms = parseDuration(values.since);
    if (ms === undefined) throw new UsageError(`--since expects a duration like 7d or 12h, got '${values.since}'`);
    since = Date.now() - ms;
  }
  let rows: StoredScore[] = [];
  const store = await openScoreReader().catch((err: unknown) => {
    throw storeUsageError(err, 'online-eval score store');
  });
  if (store) {
    try {
      rows = await store.history({ alias, suite: values.suite, model: values.model, since }).catch((err: unknown) => {
        throw storeUsageError(err, 'online-eval score store');
      });
    } finally {
      await store.close();
    }
  }
  if (values.json) {
    const models: Record<string, StoredScore[]> = {};
    for (const r of rows) (models[r.model] ??= []).push(r);
    return JSON.stringify({ alias, models });
  }
  if (rows.length === 0) return `no online-evaluation scores for ${alias} yet`;
  const byModel = new Map<string, StoredScore[]>();
  for (const r of rows) byModel.set(r.model, [...(byModel.get(r.model) ?? []), r]);
  const out: string[] = [];
  for (const [model, list] of byModel) {
    out.push(`${model}`);
    for (const r of list)
      out.push(
        `  ${new Date(r.tick).toISOString()}  ${r.suite}  score ${r.score === null ? '-' : r.score.toFixed(3)}  ` +
          `n ${r.n}  ${r.below ? `BELOW ${r.threshold}${r.alertedAt ? ' (alerted)' : ''}` : 'ok'}`,
      );
  }
  return out.join('\n');
}

function planStop(argv: string[]): string {
  const { values } = parseCommandArgs(argv, { suite: { type: 'string' } }, false);
  if (!values.suite) throw new UsageError('online-eval stop needs --suite FILE (the suite it was started with)');
  return suiteGraders(values.suite).suite;
}

async function stop(client: Client, alias: string, suite: string): Promise<string> {
  const scheduleId = scheduleIdOf(alias, suite);
  try {
    await client.schedule.getHandle(scheduleId).delete();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new UsageError(`no online evaluation scheduled as ${scheduleId}`);
    throw err;
  }
  return `schedule ${scheduleId} deleted (its scores stay in ${scoreLocationLabel()})`;
}

const VERBS = ['start', 'run-once', 'scores', 'stop'];

export const command: CliCommand = {
  name: 'online-eval',
  summary: "grade an alias's captured traffic on a schedule; alert when a model scores under a threshold",
  help: HELP,
  async run(argv) {
    const [verb, target, ...rest] = argv;
    if (!verb) throw new UsageError(`missing sub-command\n\n${HELP}`);
    if (!VERBS.includes(verb)) throw new UsageError(`unknown sub-command '${verb}' (one of ${VERBS.join(', ')})`);
    const alias = aliasArg(target, verb);
    if (verb === 'scores') {
      console.log(await scores(alias, rest));
      return 0;
    }
    // Flags and the suite are checked before connecting: a mistake costs nothing.
    const plan =
      verb === 'start'
        ? { verb, start: planStart(alias, rest) }
        : verb === 'stop'
          ? { verb, suite: planStop(rest) }
          : { verb, once: planRunOnce(alias, rest) };
    const { client, connection } = await connectClient(await clientTarget());
    try {
      if (plan.start) console.log(await start(client, alias, plan.start));
      else if (plan.suite) console.log(await stop(client, alias, plan.suite));
      else {
        const { out, code } = await runOnce(client, plan.once!);
        console.log(out);
        return code;
      }
      return 0;
    } finally {
      await connection.close();
    }
  },
};
