import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR } from '../support/recordHistories';
import { Registry } from '../../stores/registry/registryDb';
import { sha256File } from '../../cli/stack/datasetHash';
import { loadSpec } from '../../config/loadSpec';
import { changeEvaluationIdFor, pipelineRunId, watcherIdFor } from '../../core/operations/pipelineRunId';
import { datasetWatcherWorkflow, watcherStatusQuery } from '../../workflows/datasetWatcherWorkflow';
import { sunsetWatchWorkflow } from '../../workflows/sunsetWatchWorkflow';
import { useHarness, type Harness } from '../support/pipelineHarness';
import { runCli } from '../support/runCli';
import { eventually, sharedBundle } from '../support/temporal';
import { cliEnv, smallSpec, uniqueName } from './support';

/** Puts `model` (built on `baseModel`) behind pipeline@alias in the harness's registry, as a deploy would. */
function seedAlias(h: Harness, pipeline: string, alias: string, model: string, baseModel: string): void {
  const registry = new Registry(path.join(h.home, 'registry.db'));
  try {
    registry.registerModel({
      model,
      pipeline,
      provider: 'openai',
      baseModel,
      jobId: null,
      trainSha256: null,
      specSha256: null,
      runId: `seed-${pipeline}`,
      evalReportUri: null,
      score: null,
      createdAt: Date.now(),
    });
    registry.moveAlias({
      pipeline,
      alias,
      toModel: model,
      who: 'test',
      why: 'seed',
      runId: `seed-${pipeline}-${alias}`,
    });
  } finally {
    registry.close();
  }
}

async function evaluationsOf(h: Harness, pipeline: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of h.client.workflow.list({
    query: `WorkflowType = 'evaluateWorkflow' AND TailorPipeline = '${pipeline}'`,
  }))
    ids.push(wf.workflowId);
  return ids;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('dataset watcher and base-model sunset watch, against the real dev server', () => {
  const h = useHarness('ops-watchers');

  it(
    'an unchanged tick starts nothing; five rapid changes inside the debounce start exactly one evaluation; ' +
      'one watcher per pipeline',
    async () => {
      const name = uniqueName('watch');
      const { specFile, dataFile } = smallSpec(name, { lines: 80 });
      seedAlias(h, name, 'prod', 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini-2024-07-18');
      const env = cliEnv(h);
      const started = await runCli(['watch', '--spec', specFile, '--every', '500ms', '--debounce', '2500ms'], env);
      expect(started).toMatchObject({ code: 0 });
      const handle = h.client.workflow.getHandle<typeof datasetWatcherWorkflow>(watcherIdFor(name));
      try {
        // A second watcher for the same pipeline is refused.
        const second = await runCli(['watch', '--spec', specFile, '--every', '1s'], env);
        expect(second.code).toBe(2);
        expect(second.stderr).toMatch(/already running/);

        // Unchanged ticks start nothing.
        await eventually(
          'three ticks',
          async () => ((await handle.query(watcherStatusQuery)).ticks >= 3 ? true : undefined),
          30_000,
        );
        expect((await handle.query(watcherStatusQuery)).triggered).toEqual([]);

        // Five changes, 250 ms apart: all inside one 2.5 s debounce window.
        const t0 = Date.now();
        const rows = fs.readFileSync(dataFile, 'utf8').split('\n').filter(Boolean);
        for (let i = 0; i < 5; i++) {
          fs.appendFileSync(
            dataFile,
            rows[i]!.replace('"role":"user","content":"', `"role":"user","content":"(edit ${i}) `) + '\n',
          );
          await sleep(250);
        }
        const finalSha = await sha256File(dataFile);
        const status = await eventually(
          'the triggered evaluation',
          async () => {
            const s = await handle.query(watcherStatusQuery);
            return s.triggered.length > 0 ? s : undefined;
          },
          40_000,
        );
        const triggeredAfter = Date.now() - t0;
        expect(status.triggered).toEqual([
          { datasetSha256: finalSha, workflowId: changeEvaluationIdFor(name, finalSha), started: true },
        ]);
        const evaluation = await h.client.workflow.getHandle(changeEvaluationIdFor(name, finalSha)).result();
        expect((evaluation as { leaderboard: { model: string }[] }).leaderboard[0]!.model).toBe(
          'gpt-4o-mini-2024-07-18',
        );

        // An external "data changed" on unchanged data is a look, not a trigger; more ticks add nothing either.
        expect(await runCli(['notify-change', '--spec', specFile], env)).toMatchObject({ code: 0 });
        const ticksNow = (await handle.query(watcherStatusQuery)).ticks;
        await eventually(
          'more ticks',
          async () => ((await handle.query(watcherStatusQuery)).ticks >= ticksNow + 3 ? true : undefined),
          30_000,
        );
        expect((await handle.query(watcherStatusQuery)).triggered).toHaveLength(1);
        const evaluations = await eventually('the evaluation in visibility', async () => {
          const ids = await evaluationsOf(h, name);
          return ids.length > 0 ? ids : undefined;
        });
        expect(evaluations).toEqual([changeEvaluationIdFor(name, finalSha)]);
        console.log(`watcher: one evaluation ${triggeredAfter} ms after the first of five changes`);

        expect(await runCli(['watch', '--stop', '--spec', specFile], env)).toMatchObject({ code: 0 });
        const final = await handle.result();
        expect(final.triggered).toHaveLength(1);
        // Deterministic: the whole watcher history (ticks, debounce resets, the child start) replays cleanly.
        await Worker.runReplayHistory(
          { workflowBundle: await sharedBundle() },
          await handle.fetchHistory(),
          watcherIdFor(name),
        );
      } finally {
        await handle.terminate().catch(() => undefined);
      }
    },
  );

  it(
    'notify-change starts a watcher by signal-with-start; with --on-change retrain a change starts one ' +
      'pipeline run',
    async () => {
      const name = uniqueName('notify');
      const { specFile, dataFile } = smallSpec(name, { lines: 60, offset: 300 });
      const env = cliEnv(h);
      // Ticks far apart: only the signals make it look.
      expect(
        await runCli(['notify-change', '--spec', specFile, '--every', '1h', '--on-change', 'retrain'], env),
      ).toMatchObject({ code: 0 });
      const handle = h.client.workflow.getHandle<typeof datasetWatcherWorkflow>(watcherIdFor(name));
      try {
        await eventually('the first look', async () =>
          (await handle.query(watcherStatusQuery)).ticks >= 1 ? true : undefined,
        );
        expect((await handle.query(watcherStatusQuery)).triggered).toEqual([]);
        fs.appendFileSync(
          dataFile,
          fs.readFileSync(dataFile, 'utf8').split('\n')[0]!.replace('"content":"', '"content":"(new) ') + '\n',
        );
        const sha = await sha256File(dataFile);
        expect(await runCli(['notify-change', '--spec', specFile], env)).toMatchObject({ code: 0 });
        const expectedId = pipelineRunId(name, sha, loadSpec(specFile).specSha256);
        const s = await eventually(
          'the retrain',
          async () => {
            const st = await handle.query(watcherStatusQuery);
            return st.triggered.length > 0 ? st : undefined;
          },
          30_000,
        );
        expect(s.triggered).toEqual([{ datasetSha256: sha, workflowId: expectedId, started: true }]);
        const result = await h.client.workflow.getHandle(expectedId).result();
        expect(result.datasetSha256).toBe(sha);
        // The same data signalled again starts nothing.
        expect(await runCli(['notify-change', '--spec', specFile], env)).toMatchObject({ code: 0 });
        await eventually('the third look', async () =>
          (await handle.query(watcherStatusQuery)).ticks >= 3 ? true : undefined,
        );
        expect((await handle.query(watcherStatusQuery)).triggered).toHaveLength(1);
      } finally {
        await handle.terminate().catch(() => undefined);
      }
    },
  );

  it('keeps its baseline across continue-as-new', async () => {
    const name = uniqueName('watch-can');
    const { specFile } = smallSpec(name, { lines: 40 });
    const loaded = loadSpec(specFile);
    const handle = await h.client.workflow.start(datasetWatcherWorkflow, {
      workflowId: watcherIdFor(name),
      taskQueue: h.taskQueue,
      args: [{ spec: loaded.spec, specSha256: loaded.specSha256, everyMs: 200, ticksPerRun: 3 }],
    });
    try {
      const firstRun = (await handle.describe()).runId;
      const s = await eventually(
        'a continued run',
        async () => {
          const d = await h.client.workflow.getHandle(watcherIdFor(name)).describe();
          if (d.runId === firstRun) return undefined;
          const st = await h.client.workflow.getHandle(watcherIdFor(name)).query(watcherStatusQuery);
          return st.ticks >= 4 ? st : undefined;
        },
        30_000,
      );
      expect(s.datasetSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(s.triggered).toEqual([]);
      // The first run ended in continue-as-new: a replay fixture for that path (TAILOR_RECORD_HISTORIES=1).
      if (process.env.TAILOR_RECORD_HISTORIES) {
        const first = await h.client.workflow.getHandle(watcherIdFor(name), firstRun).fetchHistory();
        fs.writeFileSync(path.join(HISTORIES_DIR, 'watcher-continued-as-new.json'), historyToJSON(first));
      }
    } finally {
      await h.client.workflow
        .getHandle(watcherIdFor(name))
        .terminate()
        .catch(() => undefined);
    }
  });

  it('reports an aliased model whose base model has a shutdown_date inside the horizon', async () => {
    const doomed = uniqueName('sunset');
    const safe = uniqueName('no-sunset');
    seedAlias(h, doomed, 'prod', `ft:gpt-4.1-nano-2025-04-14:tailor-local:${doomed}:x1`, 'gpt-4.1-nano-2025-04-14');
    seedAlias(h, safe, 'prod', `ft:gpt-4o-mini-2024-07-18:tailor-local:${safe}:x2`, 'gpt-4o-mini-2024-07-18');

    const report = await h.client.workflow.execute(sunsetWatchWorkflow, {
      workflowId: uniqueName('sunset-check'),
      taskQueue: h.taskQueue,
      args: [{ horizonMs: 90 * 86_400_000 }],
    });
    const mine = report.findings.filter((f) => f.pipeline === doomed || f.pipeline === safe);
    expect(mine).toEqual([
      expect.objectContaining({
        pipeline: doomed,
        alias: 'prod',
        baseModel: 'gpt-4.1-nano-2025-04-14',
        shutdownDate: '2026-10-23',
      }),
    ]);

    const cli = await runCli(['sunset', '--horizon', '90d', '--json', '--pipeline', doomed], cliEnv(h));
    expect(cli.code).toBe(1); // findings exit 1, so a cron job notices
    expect((JSON.parse(cli.stdout) as { findings: { pipeline: string }[] }).findings.map((f) => f.pipeline)).toEqual([
      doomed,
    ]);
    const none = await runCli(['sunset', '--pipeline', safe], cliEnv(h));
    expect(none.code).toBe(0);

    // It can be scheduled: the schedule's run reports the same finding as its result.
    const scheduleName = uniqueName('sunset-watch');
    expect(
      await runCli(
        ['sunset', '--schedule', '1d', '--horizon', '90d', '--pipeline', doomed, '--name', scheduleName],
        cliEnv(h),
      ),
    ).toMatchObject({ code: 0 });
    const schedule = h.client.schedule.getHandle(scheduleName);
    try {
      await schedule.trigger();
      const workflowId = await eventually(
        'the scheduled sunset check',
        async () => (await schedule.describe()).info.recentActions[0]?.action.workflow.workflowId,
      );
      const scheduled = (await h.client.workflow.getHandle(workflowId).result()) as typeof report;
      expect(scheduled.findings.map((f) => f.pipeline)).toEqual([doomed]);
    } finally {
      await schedule.delete().catch(() => undefined);
    }
  });
});
