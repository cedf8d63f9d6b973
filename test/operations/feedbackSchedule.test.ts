import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { recordFeedback } from '../../stores/feedback/feedbackStore';
import type { ScheduledPipelineResult } from '../../workflows/scheduledPipelineWorkflow';
import { useHarness, type Harness } from '../support/pipelineHarness';
import { runCli } from '../support/runCli';
import { exampleSpecWith } from '../support/specFiles';
import { eventually, sharedBundle } from '../support/temporal';
import { ticketFeedback } from '../feedback/ticketFeedback';
import { cliEnv, uniqueName } from './support';

type Closed = { id: string; status: string; closedAt: number; result?: ScheduledPipelineResult };

/** Every closed scheduled run of one pipeline, oldest first, with its result when it completed. */
async function scheduledRuns(h: Harness, pipeline: string): Promise<Closed[]> {
  const out: Closed[] = [];
  const query =
    `WorkflowType = 'scheduledPipelineWorkflow' AND TailorPipeline = '${pipeline}' AND ExecutionStatus != ` +
    `'Running'`;
  for await (const wf of h.client.workflow.list({ query })) {
    const status = wf.status.name;
    const result =
      status === 'COMPLETED'
        ? ((await h.client.workflow.getHandle(wf.workflowId, wf.runId).result()) as ScheduledPipelineResult)
        : undefined;
    out.push({ id: wf.workflowId, status, closedAt: wf.closeTime?.getTime() ?? 0, ...(result ? { result } : {}) });
  }
  return out.sort((a, b) => a.closedAt - b.closedAt);
}

async function pipelineRuns(h: Harness, pipeline: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of h.client.workflow.list({
    query: `WorkflowType = 'customizationPipeline' AND TailorPipeline = '${pipeline}'`,
  }))
    ids.push(wf.workflowId);
  return ids;
}

describe('a schedule whose pipeline learns from feedback (dataset.source: feedback)', () => {
  const name = uniqueName('fb-sched');
  const h = useHarness('ops-feedback', {
    beforeClose: () =>
      h.client.schedule
        .getHandle(name)
        .delete()
        .catch(() => undefined),
  });

  it('ends skipped while fewer than minCount new items exist, then starts the pipeline exactly once', async () => {
    const registryFile = path.join(h.home, 'registry.db');
    const record = (from: number, n: number) =>
      ticketFeedback(from, n).forEach((f) => recordFeedback(f, { registryFile }));
    // Feedback about another model is outside the spec's `model` filter and never counts.
    ticketFeedback(300, 20, 'another-model').forEach((f) => recordFeedback(f, { registryFile }));
    const spec = exampleSpecWith({
      name,
      dataset: {
        source: 'feedback',
        format: 'dpo',
        minCount: 20,
        window: '30d',
        model: 'ft:tickets',
        split: { validation: 0.1, test: 0.2, seed: 'fb' },
      },
      baselines: { zeroShot: true },
      fineTune: {
        method: { type: 'dpo', hyperparameters: { n_epochs: 1 }, supervisedFirst: { n_epochs: 1 } },
        poll: { initial: '300ms', max: '2s', factor: 2 },
      },
      evaluation: { metric: 'exact_match', concurrency: 8, maxExamples: 5 },
      deploy: { alias: 'prod', approval: 'auto', smoke: { examples: 3, tolerance: 0.5 } },
    });
    // `tailor run` exports the feedback itself; with none about the spec's model yet it refuses (exit 1), starting
    // nothing.
    const early = await runCli(['run', spec], cliEnv(h));
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('no feedback to train on yet');
    record(0, 8);
    const created = await runCli(
      ['schedule', 'create', name, '--spec', spec, '--every', '2s', '--skip-if-unchanged'],
      cliEnv(h),
    );
    expect(created).toMatchObject({ code: 0 });

    const skipped = await eventually(
      'a run skipped for too little feedback',
      async () => (await scheduledRuns(h, name)).find((r) => r.result?.outcome === 'skipped'),
      60_000,
    );
    expect(skipped.result).toMatchObject({ outcome: 'skipped', reason: '8 new feedback items < minCount 20' });
    expect(await pipelineRuns(h, name)).toEqual([]);

    record(8, 14); // 22 in all: enough
    const started = await eventually(
      'the pipeline started from feedback',
      async () => {
        const ids = await pipelineRuns(h, name);
        return ids.length > 0 ? ids : undefined;
      },
      60_000,
    );
    // The run that started it closes (the pipeline may pass or fail its gate), then at least two more ticks pass.
    const starter = await eventually(
      'the starting run closed',
      async () => (await scheduledRuns(h, name)).find((r) => r.result?.outcome !== 'skipped'),
      120_000,
    );
    await eventually(
      'two more scheduled runs after it',
      async () => {
        const later = (await scheduledRuns(h, name)).filter((r) => r.closedAt > starter.closedAt);
        return later.length >= 2 ? later : undefined;
      },
      60_000,
    );
    expect(await pipelineRuns(h, name)).toEqual(started);
    expect(started).toHaveLength(1);
    // Named by the export's hash like any dataset (see docs/architecture.md, Content-derived IDs).
    if (starter.result)
      expect(starter.result).toMatchObject({
        runId: started[0],
        datasetSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    const after = (await scheduledRuns(h, name)).filter((r) => r.closedAt > starter.closedAt);
    for (const r of after) expect(['skipped', 'duplicate']).toContain(r.result?.outcome);
    const why = await h.client.workflow
      .getHandle(started[0]!)
      .result()
      .then(
        (r) => `deploy ${r.deploy.outcome}`,
        (e: Error & { cause?: Error & { cause?: Error } }) =>
          `${e.message}: ${e.cause?.message}: ${e.cause?.cause?.message}`,
      );
    console.log(
      `feedback schedule: pipeline ${started[0]} started once (${why}); later runs: ` +
        `${after.map((r) => (r.result && 'reason' in r.result ? r.result.reason : r.result?.outcome)).join(' | ')}`,
    );

    // The scheduled run's history (materialise, then the child) replays against the current workflow code.
    for (const r of [skipped, starter]) {
      await Worker.runReplayHistory(
        { workflowBundle: await sharedBundle() },
        await h.client.workflow.getHandle(r.id).fetchHistory(),
        r.id,
      );
    }
  });
});
