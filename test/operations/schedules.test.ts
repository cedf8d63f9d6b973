import { Worker } from '@temporalio/worker';
import { sha256File } from '../../cli/stack/datasetHash';
import { loadSpec } from '../../config/loadSpec';
import { pipelineRunId } from '../../core/operations/pipelineRunId';
import { scheduledPipelineWorkflow, type ScheduledPipelineResult } from '../../workflows/scheduledPipelineWorkflow';
import { setFaults } from '../support/backendAdmin';
import { startHarness, type Harness } from '../support/pipelineHarness';
import { runCli } from '../support/runCli';
import { eventually, sharedBundle } from '../support/temporal';
import { backendJobs, cliEnv, smallSpec, uniqueName } from './support';

/** Closed scheduled runs of one pipeline with their results (visibility, then each run's result). */
async function scheduledResults(
  h: Harness,
  pipeline: string,
): Promise<{ id: string; result: ScheduledPipelineResult }[]> {
  const out: { id: string; result: ScheduledPipelineResult }[] = [];
  const query =
    `WorkflowType = 'scheduledPipelineWorkflow' AND TailorPipeline = '${pipeline}' AND ExecutionStatus = ` +
    `'Completed'`;
  for await (const wf of h.client.workflow.list({ query })) {
    out.push({
      id: wf.workflowId,
      result: (await h.client.workflow.getHandle(wf.workflowId, wf.runId).result()) as ScheduledPipelineResult,
    });
  }
  return out;
}

describe('tailor schedule on Temporal Schedules, and tailor runs, against the real dev server', () => {
  let h: Harness;
  const schedules: string[] = [];
  beforeAll(async () => {
    h = await startHarness('ops-schedules');
  });
  afterAll(async () => {
    for (const s of schedules)
      await h.client.schedule
        .getHandle(s)
        .delete()
        .catch(() => undefined);
    await h?.close();
  });

  const skipName = uniqueName('sched-skip');
  const skip = smallSpec(skipName, { lines: 60, distinct: true });

  it(
    'starts runs on the schedule; with --skip-if-unchanged the next run on unchanged data ends skipped with no ' +
      'provider call',
    async () => {
      const t0 = Date.now();
      const created = await runCli(
        ['schedule', 'create', skipName, '--spec', skip.specFile, '--every', '2s', '--skip-if-unchanged'],
        cliEnv(h),
      );
      expect(created).toMatchObject({ code: 0 });
      schedules.push(skipName);

      const skipped = await eventually(
        'a scheduled run that ended skipped',
        async () => (await scheduledResults(h, skipName)).find((r) => r.result.outcome === 'skipped'),
        75_000,
      );
      const tookMs = Date.now() - t0;
      const results = await scheduledResults(h, skipName);
      // Exactly one pipeline ran; the only fine-tuning job at the provider is its job.
      const completed = results.filter((r) => r.result.outcome === 'completed');
      expect(completed).toHaveLength(1);
      const loaded = loadSpec(skip.specFile);
      const sha = await sha256File(skip.dataFile);
      expect(completed[0]!.result).toMatchObject({
        datasetSha256: sha,
        runId: pipelineRunId(skipName, sha, loaded.specSha256),
      });
      expect(await backendJobs(h.backend.baseURL)).toHaveLength(1);

      // The skipped run made no provider call: its only activities were the fingerprint and the visibility lookup.
      const history = await h.client.workflow.getHandle(skipped.id).fetchHistory();
      const activityTypes = history.events!.flatMap((e) =>
        e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType!.name] : [],
      );
      expect(activityTypes).toEqual(['fingerprintDataset', 'lastSuccessfulDataset']);
      expect(history.events!.some((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)).toBe(false);
      await Worker.runReplayHistory({ workflowBundle: await sharedBundle() }, history, skipped.id);
      await Worker.runReplayHistory(
        { workflowBundle: await sharedBundle() },
        await h.client.workflow.getHandle(completed[0]!.id).fetchHistory(),
        completed[0]!.id,
      );

      // Without the skip, a run on the same data and spec is a duplicate of the content-named run: a no-op.
      const again = await h.client.workflow.execute(scheduledPipelineWorkflow, {
        workflowId: uniqueName('sched-again'),
        taskQueue: h.taskQueue,
        args: [{ spec: loaded.spec, specSha256: loaded.specSha256, skipIfUnchanged: false }],
      });
      expect(again).toEqual({
        outcome: 'duplicate',
        datasetSha256: sha,
        runId: pipelineRunId(skipName, sha, loaded.specSha256),
      });
      expect(await backendJobs(h.backend.baseURL)).toHaveLength(1);

      // On the schedule: every action sits on the 2 s grid and was taken at or after its scheduled time. How late
      // depends on the machine's load, so it is printed, not asserted.
      const describe = await runCli(['schedule', 'describe', skipName, '--json'], cliEnv(h));
      expect(describe.code).toBe(0);
      const d = JSON.parse(describe.stdout) as {
        recent: { scheduledAt: string; takenAt: string; outcome: string }[];
        nextRuns: string[];
      };
      expect(d.recent.length).toBeGreaterThanOrEqual(2);
      for (const r of d.recent) {
        expect(Date.parse(r.takenAt)).toBeGreaterThanOrEqual(Date.parse(r.scheduledAt));
        expect(Date.parse(r.scheduledAt) % 2000).toBe(0);
      }
      expect(d.recent.map((r) => r.outcome)).toContain('skipped');
      expect(d.nextRuns.length).toBeGreaterThan(0);
      // The text view writes the interval as it was typed and names the flag.
      const text = await runCli(['schedule', 'describe', skipName], cliEnv(h));
      expect(text.stdout.split('\n')[0]).toContain('(every 2s; overlap');
      expect(text.stdout.split('\n')[0]).toContain('; skip-if-unchanged)');
      console.log(
        `schedule skip-if-unchanged: first skipped run after ${tookMs} ms, ${results.length} closed scheduled runs`,
      );

      // Pause with a note, then delete, through the CLI.
      expect(await runCli(['schedule', 'pause', skipName, '--note', 'test pause'], cliEnv(h))).toMatchObject({
        code: 0,
      });
      const listed = await runCli(['schedule', 'list', '--json'], cliEnv(h));
      expect(
        (JSON.parse(listed.stdout) as { name: string; paused: boolean; note: string }[]).find(
          (s) => s.name === skipName,
        ),
      ).toMatchObject({
        paused: true,
        note: 'test pause',
      });
      // Paused, it still runs on demand (trigger) and over a past window (backfill).
      const handle = h.client.schedule.getHandle(skipName);
      const before = (await handle.describe()).info;
      const seen = (i: typeof before) => i.numActionsTaken + i.numActionsSkippedOverlap;
      expect(await runCli(['schedule', 'trigger', skipName], cliEnv(h))).toMatchObject({ code: 0 });
      await eventually('the triggered action', async () =>
        seen((await handle.describe()).info) > seen(before) ? true : undefined,
      );
      const afterTrigger = (await handle.describe()).info;
      const from = new Date(Date.now() - 60_000).toISOString();
      const to = new Date(Date.now() - 55_000).toISOString();
      expect(await runCli(['schedule', 'backfill', skipName, from, to], cliEnv(h))).toMatchObject({ code: 0 });
      await eventually('the backfilled actions', async () =>
        seen((await handle.describe()).info) > seen(afterTrigger) ? true : undefined,
      );
      expect(await runCli(['schedule', 'delete', skipName], cliEnv(h))).toMatchObject({ code: 0 });
      await expect(handle.describe()).rejects.toThrow(/not found/i);
    },
  );

  it('takes a cron expression (and refuses --cron with --every)', async () => {
    const name = uniqueName('sched-cron');
    const both = await runCli(
      ['schedule', 'create', name, '--spec', skip.specFile, '--cron', '0 3 * * *', '--every', '1h'],
      cliEnv(h),
    );
    expect(both.code).toBe(2);
    expect(
      await runCli(
        ['schedule', 'create', name, '--spec', skip.specFile, '--cron', '0 3 * * *', '--overlap', 'buffer-one'],
        cliEnv(h),
      ),
    ).toMatchObject({ code: 0 });
    schedules.push(name);
    const d = await h.client.schedule.getHandle(name).describe();
    expect(d.info.nextActionTimes[0]!.toISOString()).toMatch(/T03:00:00\.000Z$/);
    expect(d.policies.overlap).toBe('BUFFER_ONE');
    await h.client.schedule.getHandle(name).delete();
  });

  const overlapName = uniqueName('sched-overlap');
  const overlap = smallSpec(overlapName, { lines: 120, offset: 200, distinct: true });

  it('with --overlap skip, a run that outlasts its interval never runs alongside another', async () => {
    await setFaults(h.backend.baseURL, 'train.slow=400');
    try {
      const created = await runCli(
        ['schedule', 'create', overlapName, '--spec', overlap.specFile, '--every', '1s', '--overlap', 'skip'],
        cliEnv(h),
      );
      expect(created).toMatchObject({ code: 0 });
      schedules.push(overlapName);
      const handle = h.client.schedule.getHandle(overlapName);
      await eventually(
        'the first scheduled run',
        async () => ((await handle.describe()).info.runningActions.length > 0 ? true : undefined),
        20_000,
      );
      let maxRunning = 0;
      const until = Date.now() + 5_000;
      while (Date.now() < until) {
        maxRunning = Math.max(maxRunning, (await handle.describe()).info.runningActions.length);
        await new Promise((r) => setTimeout(r, 250));
      }
      const d = await handle.describe();
      expect(maxRunning).toBe(1);
      expect(d.info.numActionsTaken).toBe(1);
      expect(d.info.numActionsSkippedOverlap).toBeGreaterThanOrEqual(2);
      await handle.delete();
      // Cancelling the scheduled run cancels its pipeline child, which cancels the remote job.
      for (const a of d.info.runningActions) await h.client.workflow.getHandle(a.workflow.workflowId).cancel();
    } finally {
      await setFaults(h.backend.baseURL, '');
    }
  });

  it('tailor runs --dataset SHA finds exactly the runs on that dataset', async () => {
    const shaA = await sha256File(skip.dataFile);
    const shaB = await sha256File(overlap.dataFile);
    expect(shaA).not.toBe(shaB);
    const expectedA = [pipelineRunId(skipName, shaA, loadSpec(skip.specFile).specSha256)];
    const expectedB = [pipelineRunId(overlapName, shaB, loadSpec(overlap.specFile).specSha256)];
    for (const [sha, expected] of [
      [shaA, expectedA],
      [shaB, expectedB],
    ] as const) {
      const ids = await eventually(
        `runs on ${sha.slice(0, 12)}`,
        async () => {
          const out = await runCli(['runs', '--dataset', sha, '--since', '1h', '--json'], cliEnv(h));
          expect(out.code).toBe(0);
          const runs = (JSON.parse(out.stdout) as { runs: { runId: string; datasetSha256: string }[] }).runs;
          const got = runs.map((r) => r.runId).sort();
          return JSON.stringify(got) === JSON.stringify([...expected].sort()) ? got : undefined;
        },
        30_000,
      );
      expect(ids).toEqual([...expected]);
    }
    // A prefix works too, and the text view prints the query for the Web UI.
    const text = await runCli(['runs', '--dataset', shaA.slice(0, 12), '--pipeline', skipName], cliEnv(h));
    expect(text.stdout).toContain(expectedA[0]);
    expect(text.stderr).toContain(`TailorPipeline = '${skipName}'`);
  });
});
