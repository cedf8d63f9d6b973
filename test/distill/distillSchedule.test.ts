/**
 * Recurring distillation: `tailor schedule create` on a `distill:` spec, on real parts (the shared dev server, a real
 * worker, the student's local backend and a second local backend as the teacher, both over loopback HTTP). With
 * prompts from the gateway's captured traffic, each tick exports the alias's traffic as `tailor run` does and names
 * the pipeline run by that export: a tick on unchanged traffic with --skip-if-unchanged ends `skipped` (no teacher
 * call, no fine-tune job), new traffic names a new run, and no traffic at all skips naming the alias. With prompts
 * from a file, the file's hash names the run. Ticks are `trigger`s of a schedule whose own times are months away, and
 * each is awaited before the next: nothing waits on the clock.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ScheduleOverlapPolicy, type ScheduleHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { pipelineDataset } from '../../cli/stack/pipelineDataset';
import { sha256File } from '../../cli/stack/datasetHash';
import { loadSpec } from '../../config/loadSpec';
import { pipelineRunId } from '../../core/operations/pipelineRunId';
import { TailorPipeline } from '../../core/operations/searchAttributes';
import type { PipelineResult } from '../../core/pipeline/pipelineTypes';
import { scheduledPipelineWorkflow, type ScheduledPipelineResult } from '../../workflows/scheduledPipelineWorkflow';
import { backendJobs, cliEnv, uniqueName } from '../operations/support';
import { useHarness } from '../support/pipelineHarness';
import { captureTraffic, distillSpec, tickets, useTeacherBackend } from './support/distillFixtures';
import { maybeRecordHistories } from '../support/recordHistories';
import { runCli } from '../support/runCli';
import { eventually, sharedBundle } from '../support/temporal';

const ALIAS = 'tickets@prod';
/** Once a year: the schedule never fires on its own during the test; every tick is a trigger. */
const YEARLY = '0 0 1 1 *';
const schedules: string[] = [];
const h = useHarness('distill-schedule', {
  beforeClose: async () => {
    for (const s of schedules)
      await h.client.schedule
        .getHandle(s)
        .delete()
        .catch(() => undefined);
  },
});
const teacher = useTeacherBackend(() => h.home);

type Scheduled = ScheduledPipelineResult;
type Tick = { id: string; runId: string; result: Scheduled };

/**
 * One tick: trigger the schedule, find the run it started (by run ID: a schedule names its runs by the second, so
 * two quick ticks share a workflow ID), and wait for its result.
 */
async function tick(handle: ScheduleHandle, seen: Set<string>): Promise<Tick> {
  // The previous tick's run has finished (its result was awaited), but the schedule may learn so a moment later and
  // skip this trigger under its overlap policy: allow it, as nothing else runs.
  await handle.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
  const started = await eventually(
    'the triggered scheduled run',
    async () =>
      (await handle.describe()).info.recentActions
        .map((a) => a.action.workflow)
        .find((w) => !seen.has(w.firstExecutionRunId)),
    60_000,
  );
  seen.add(started.firstExecutionRunId);
  const run = { id: started.workflowId, runId: started.firstExecutionRunId };
  const result = (await h.client.workflow.getHandle(run.id, run.runId).result()) as Scheduled;
  return { ...run, result };
}

/** Waits until visibility lists the pipeline run as completed: the next tick's skip check reads it from there. */
async function visiblyCompleted(pipeline: string, runId: string): Promise<void> {
  const query =
    `WorkflowType = 'customizationPipeline' AND ExecutionStatus = 'Completed' AND ` + `TailorPipeline = '${pipeline}'`;
  await eventually(
    `${runId} completed in visibility`,
    async () => {
      for await (const wf of h.client.workflow.list({ query })) if (wf.workflowId === runId) return true;
      return undefined;
    },
    60_000,
  );
}

/** The activities a workflow history scheduled, in order, and whether it started a child. */
async function shape(workflowId: string, runId?: string): Promise<{ activities: string[]; child: boolean }> {
  const history = await h.client.workflow.getHandle(workflowId, runId).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: await sharedBundle() }, history, workflowId);
  return {
    activities: history.events!.flatMap((e) => {
      const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
      return name ? [name] : [];
    }),
    child: history.events!.some((e) => e.startChildWorkflowExecutionInitiatedEventAttributes),
  };
}

test('nightly distillation of captured traffic: a run, a skip on unchanged traffic, a new run on new', async () => {
  const name = uniqueName('distill-nightly');
  captureTraffic(ALIAS, 0, 40);
  const specFile = distillSpec(name, { from: 'capture', alias: ALIAS, window: '7d' }, 'schedule');
  const created = await runCli(
    ['schedule', 'create', name, '--spec', specFile, '--cron', YEARLY, '--skip-if-unchanged'],
    cliEnv(h),
  );
  expect(created).toMatchObject({ code: 0, stderr: '' });
  schedules.push(name);
  const handle = h.client.schedule.getHandle(name);
  const seen = new Set<string>();
  const loaded = loadSpec(specFile);
  const jobs = (await backendJobs(h.backend.baseURL)).length;
  const asked = await teacher.requests();

  // Tick 1: the export names the run exactly as `tailor run` names it; the pipeline distils and deploys.
  const first = await tick(handle, seen);
  const { datasetSha256 } = await pipelineDataset(loaded);
  const runId = pipelineRunId(name, datasetSha256, loaded.specSha256);
  expect(first.result).toEqual({ outcome: 'completed', datasetSha256, runId, deploy: 'promoted' });
  const run = (await h.client.workflow.getHandle(runId).result()) as PipelineResult;
  expect(run.fineTune?.model).toMatch(/^ft:gpt-4o-mini-2024-07-18:/);
  expect(run.distill!.teacher).toMatchObject({ requested: 'gpt-4o', model: 'gpt-4o', unique: 40, calls: 40 });
  expect(run.distill!.comparison).toMatchObject({ heldOut: 10, withReference: 0 });
  expect(run.distill!.comparison.student.model).toBe(run.fineTune!.model);
  expect(run.deploy).toMatchObject({ outcome: 'promoted', model: run.fineTune!.model });
  expect(await backendJobs(h.backend.baseURL)).toHaveLength(jobs + 1);
  expect(await teacher.requests()).toBe(asked + 40);
  expect(await shape(first.id, first.runId)).toEqual({
    activities: ['materializeCaptureDataset', 'lastSuccessfulDataset'],
    child: true,
  });
  await maybeRecordHistories(h.client, 'scheduled-distill-completed', [first.id]);

  // Tick 2, no new traffic: skipped after the export and the last-success lookup; no teacher call, no job.
  await visiblyCompleted(name, runId);
  const second = await tick(handle, seen);
  expect(second.result).toEqual({
    outcome: 'skipped',
    datasetSha256,
    reason: `the captured traffic of ${ALIAS} is unchanged since the last successful run`,
  });
  expect(await shape(second.id, second.runId)).toEqual({
    activities: ['materializeCaptureDataset', 'lastSuccessfulDataset'],
    child: false,
  });
  expect(await backendJobs(h.backend.baseURL)).toHaveLength(jobs + 1);
  expect(await teacher.requests()).toBe(asked + 40);
  await maybeRecordHistories(h.client, 'scheduled-distill-skipped', [second.id]);

  // Tick 3, after six more captured requests: a new export, a new run; the teacher is asked only the new prompts.
  captureTraffic(ALIAS, 40, 46);
  const third = await tick(handle, seen);
  const next = await pipelineDataset(loaded);
  expect(next.datasetSha256).not.toBe(datasetSha256);
  const nextRunId = pipelineRunId(name, next.datasetSha256, loaded.specSha256);
  expect(nextRunId).not.toBe(runId);
  expect(third.result).toEqual({
    outcome: 'completed',
    datasetSha256: next.datasetSha256,
    runId: nextRunId,
    deploy: 'promoted',
  });
  const again = (await h.client.workflow.getHandle(nextRunId).result()) as PipelineResult;
  expect(again.distill!.teacher).toMatchObject({ unique: 46, calls: 6, cached: 40 });
  expect(await backendJobs(h.backend.baseURL)).toHaveLength(jobs + 2);
  expect(await teacher.requests()).toBe(asked + 46);
  expect((await handle.describe()).info.numActionsTaken).toBe(3);
}, 600_000);

test('no captured traffic ends the tick as skipped naming the alias; no pipeline starts', async () => {
  const alias = 'nobody@prod';
  const loaded = loadSpec(distillSpec(uniqueName('distill-empty'), { from: 'capture', alias }, 'schedule'));
  const workflowId = uniqueName('distill-empty-tick');
  const result = await h.client.workflow.execute(scheduledPipelineWorkflow, {
    taskQueue: h.taskQueue,
    workflowId,
    args: [{ spec: loaded.spec, specSha256: loaded.specSha256, skipIfUnchanged: true }],
  });
  expect(result).toMatchObject({ outcome: 'skipped', reason: `no captured traffic of ${alias} to distil yet` });
  expect(await shape(workflowId)).toEqual({ activities: ['materializeCaptureDataset'], child: false });
}, 60_000);

test('prompts from a file: the file names the run as tailor run names it; unchanged, the next tick skips', async () => {
  const prompts = path.join(h.home, 'prompts.jsonl');
  fs.writeFileSync(prompts, tickets(100, 140).join('\n') + '\n');
  const name = uniqueName('distill-file');
  const loaded = loadSpec(distillSpec(name, { from: 'file', path: prompts }, 'schedule'));
  const sha = await sha256File(prompts);
  expect((await pipelineDataset(loaded)).datasetSha256).toBe(sha);
  const runId = pipelineRunId(name, sha, loaded.specSha256);
  const tick = (skipIfUnchanged: boolean) =>
    h.client.workflow.execute(scheduledPipelineWorkflow, {
      taskQueue: h.taskQueue,
      workflowId: uniqueName('distill-file-tick'),
      args: [{ spec: loaded.spec, specSha256: loaded.specSha256, skipIfUnchanged }],
      // As a schedule starts it: indexed by pipeline, so the run it starts is found by the next tick's skip check.
      typedSearchAttributes: [{ key: TailorPipeline, value: name }],
    });
  expect(await tick(true)).toEqual({ outcome: 'completed', datasetSha256: sha, runId, deploy: 'promoted' });
  const run = (await h.client.workflow.getHandle(runId).result()) as PipelineResult;
  // The file's labels are references: the comparison scores accuracy on the held-out prompts.
  expect(run.distill!.comparison).toMatchObject({ heldOut: 10, withReference: 10 });
  await visiblyCompleted(name, runId);
  expect(await tick(true)).toEqual({
    outcome: 'skipped',
    datasetSha256: sha,
    reason: 'the prompts file is unchanged since the last successful run',
  });
  // Without the skip, the same prompts and spec are the same run: a duplicate, nothing started.
  expect(await tick(false)).toEqual({ outcome: 'duplicate', datasetSha256: sha, runId });
}, 300_000);

test('tailor schedule create takes a distill spec; a bad one names the file, line and key (exit 2)', async () => {
  const prompts = path.join(h.home, 'cli-prompts.jsonl');
  fs.writeFileSync(prompts, tickets(0, 20).join('\n') + '\n');
  const name = uniqueName('distill-cli');
  const specFile = distillSpec(name, { from: 'file', path: prompts }, 'schedule');
  const created = await runCli(['schedule', 'create', name, '--spec', specFile, '--every', '1h'], cliEnv(h));
  schedules.push(name);
  expect(created).toMatchObject({ code: 0, stderr: '' });
  expect(created.stdout.trim()).toBe(`schedule ${name}: every 1h → ${name}`);
  const d = await h.client.schedule.getHandle(name).describe();
  await h.client.schedule.getHandle(name).delete();
  // The action carries the spec as `tailor run` would start it: the prompts path resolved, the spec's hash.
  const action = d.action.type === 'startWorkflow' ? d.action.args?.[0] : undefined;
  const loaded = loadSpec(specFile);
  expect(action).toEqual({ spec: loaded.spec, specSha256: loaded.specSha256, skipIfUnchanged: false });

  const bad = distillSpec(
    uniqueName('distill-bad'),
    { from: 'file', path: path.join(h.home, 'nope.jsonl') },
    'schedule',
  );
  const refused = await runCli(['schedule', 'create', uniqueName('distill-bad'), '--spec', bad, '--every', '1h'], {
    ...cliEnv(h),
  });
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/pipeline\.yaml:\d+: distill\.prompts\.path: no such file: .*nope\.jsonl/);
  expect(refused.stderr).not.toMatch(/^\s+at /m);
  expect(refused.stdout).toBe('');
}, 60_000);
