/**
 * A pipeline whose dataset is the gateway's captured traffic (`dataset.source: capture`): `tailor run` exports the
 * alias's rows (window, minimum rating) into the artifact store and the run prepares and validates them like any
 * dataset, on a real dev server and worker with the local backend. Bad capture keys name the spec's file, line
 * and key.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { exportCaptures } from '../../core/capture/captureExport';
import { captureRow } from '../../core/capture/captureRow';
import { CaptureSettingsSchema } from '../../core/capture/captureSettings';
import type { PipelineResult } from '../../core/pipeline/pipelineTypes';
import { loadSpec } from '../../config/loadSpec';
import { CaptureStore } from '../../stores/capture/captureStore';
import { memorySpill } from '../../stores/spill/memorySpill';
import { cliEnv, uniqueName } from '../operations/support';
import { useHarness } from '../support/pipelineHarness';
import { sharedBundle } from '../support/temporal';
import { scheduledPipelineWorkflow } from '../../workflows/scheduledPipelineWorkflow';
import type { PipelineSpec } from '../../core/pipeline/pipelineSpec';
import { Worker } from '@temporalio/worker';
import { runCli } from '../support/runCli';
import { EXAMPLE_SPEC, exampleSpecWith } from '../support/specFiles';

type Ticket = { messages: { role: string; content: string }[] };
const TICKETS = path.join(path.dirname(EXAMPLE_SPEC), 'data', 'tickets.jsonl');
const h = useHarness('capture-pipeline');
let first: { spec: string; runId: string } | undefined;

/** The first `n` tickets as captured answers of tickets@prod; every fifth is rated down, the rest up. */
function capture(file: string, n: number): string[] {
  const tickets = fs
    .readFileSync(TICKETS, 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, n)
    .map((l) => JSON.parse(l) as Ticket);
  const store = new CaptureStore(file);
  const settings = CaptureSettingsSchema.parse({});
  const ids = tickets.map((_, i) => `chatcmpl-cap${i}`);
  const rows = tickets.map((t, i) => {
    const answer = t.messages.at(-1)!.content;
    const exchange = {
      alias: i === 0 ? 'tickets@dev' : 'tickets@prod',
      requestedModel: 'tickets@prod',
      model: 'gpt-4o-mini',
      variant: 'primary',
      stream: false,
      request: { model: 'gpt-4o-mini', messages: t.messages.slice(0, -1) },
      response: { id: ids[i], choices: [{ message: { role: 'assistant', content: answer } }] },
      latencyMs: 3,
    };
    return captureRow(exchange, settings, Date.now() - 1000 + i)!;
  });
  store.insert(rows);
  ids.forEach((responseId, i) => store.rate({ responseId, rating: i % 5 === 4 ? 'down' : 'up' }));
  store.close();
  return ids;
}

test('dataset.source: capture prepares and validates the alias traffic rated at least minRating', async () => {
  const ids = capture(path.join(h.home, 'capture.db'), 150);
  const spec = exampleSpecWith({
    name: uniqueName('cap'),
    dataset: {
      source: 'capture',
      alias: 'tickets@prod',
      format: 'chat',
      window: '7 days',
      minRating: 4,
      split: { validation: 0.1, test: 0.2, seed: 'cap' },
    },
    baselines: { zeroShot: true },
    fineTune: {
      method: { type: 'supervised', hyperparameters: { n_epochs: 1 } },
      poll: { initial: '300ms', max: '2s' },
    },
    evaluation: { metric: 'exact_match', concurrency: 8, maxExamples: 5 },
    deploy: { alias: 'prod', approval: 'auto', smoke: { examples: 3, tolerance: 0.5 } },
  });
  const started = await runCli(['run', spec, '--json'], cliEnv(h));
  expect(started.stderr).toBe('');
  expect(started.code).toBe(0);
  const { runId } = JSON.parse(started.stdout) as { runId: string };
  first = { spec, runId };
  const result = (await h.client.workflow.getHandle(runId).result()) as PipelineResult;

  // The run is named by the export: the same rows exported here hash the same.
  const store = new CaptureStore(path.join(h.home, 'capture.db'));
  const expected = exportCaptures(store.list({ alias: 'tickets@prod' }), {
    format: 'sft',
    minRating: 4,
    spill: memorySpill(),
  });
  store.close();
  expect(result.datasetSha256).toBe(createHash('sha256').update(expected.text).digest('hex'));
  // 149 rows of the alias, 119 rated up (every fifth is down; the first row belongs to another alias).
  expect(expected.ids.length).toBeLessThanOrEqual(119);
  expect(expected.ids).not.toContain(ids[4]);
  expect(expected.ids).not.toContain(ids[0]);
  expect(result.prepared.counts.input).toBe(expected.count);
  expect(result.prepared.counts.kept).toBeGreaterThan(90);
  expect(result.prepared.counts.train + result.prepared.counts.validation + result.prepared.counts.test).toBe(
    result.prepared.counts.kept,
  );
  expect(result.validation).toMatchObject({ valid: true });
  expect(result.validation.examples).toBe(result.prepared.counts.train);
}, 180_000);

test('a scheduled run exports the same rows (the same run), skips an alias with no traffic, and replays', async () => {
  const loaded = loadSpec(first!.spec);
  const run = (spec: PipelineSpec) =>
    h.client.workflow.execute(scheduledPipelineWorkflow, {
      taskQueue: h.taskQueue,
      workflowId: uniqueName('cap-sched'),
      args: [{ spec, specSha256: loaded.specSha256 }],
    });
  expect(await run(loaded.spec)).toMatchObject({ outcome: 'duplicate', runId: first!.runId });
  const none = { ...loaded.spec, dataset: { ...loaded.spec.dataset, alias: 'tickets@none' } };
  const workflowId = uniqueName('cap-sched-none');
  const skipped = await h.client.workflow.execute(scheduledPipelineWorkflow, {
    taskQueue: h.taskQueue,
    workflowId,
    args: [{ spec: none, specSha256: loaded.specSha256 }],
  });
  expect(skipped).toMatchObject({ outcome: 'skipped', reason: 'no captured traffic of tickets@none to train on yet' });
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: await sharedBundle() }, history, workflowId);
}, 60_000);

test('bad capture keys name the file, line and key', () => {
  const specFile = (dataset: string) => {
    const dir = fs.mkdtempSync(path.join(h.home, 'spec-'));
    const f = path.join(dir, 'pipeline.yaml');
    fs.writeFileSync(f, `name: cap\nbaseModel: gpt-4o-mini-2024-07-18\ndataset:\n${dataset}\nfineTune: {}\n`);
    return f;
  };
  const ok = loadSpec(specFile('  source: capture\n  alias: tickets@prod\n  minRating: 4\n  sampleSize: 50'));
  expect(ok.spec.dataset).toMatchObject({ source: 'capture', alias: 'tickets@prod', minRating: 4, sampleSize: 50 });
  expect(() => loadSpec(specFile('  source: capture'))).toThrow(
    /pipeline\.yaml:4: dataset\.alias: source: capture needs/,
  );
  expect(() => loadSpec(specFile('  source: capture\n  alias: tickets'))).toThrow(
    /dataset\.alias: expected NAME@ALIAS/,
  );
  expect(() => loadSpec(specFile('  source: capture\n  alias: t@prod\n  minRating: 9'))).toThrow(
    /:6: dataset\.minRating/,
  );
  expect(() => loadSpec(specFile('  source: capture\n  alias: t@prod\n  path: x.jsonl'))).toThrow(
    /:6: dataset\.path: not used with source: capture/,
  );
  expect(() => loadSpec(specFile('  path: x.jsonl\n  alias: t@prod'))).toThrow(
    /dataset\.alias: only used with source: capture/,
  );
});
