/**
 * A `distill:` run on captured traffic distils exactly the prompts its run ID names, on real parts (the shared dev
 * server, real workers, the student's local backend and a second local backend as the teacher, over loopback HTTP).
 * The export that named the run goes with it; traffic captured after it named the run is not asked of the teacher.
 * Each run is held deterministically between the export and the distill step: `tailor run`'s start with no worker
 * polling its task queue until the new traffic is in, and a scheduled run whose export activity captures the new
 * traffic right after exporting. The distill step's activity is also called directly on the export it is given.
 */
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import * as activities from '../../activities';
import { pipelineDataset } from '../../cli/stack/pipelineDataset';
import { startPipeline } from '../../cli/stack/startPipeline';
import { materializeDistillPrompts } from '../../activities/distill/materializeDistillPrompts';
import { Failure } from '../../core/failures/failureTypes';
import { loadSpec } from '../../config/loadSpec';
import { pipelineRunId } from '../../core/operations/pipelineRunId';
import type { PipelineResult } from '../../core/pipeline/pipelineTypes';
import { createTailorWorker } from '../../workers/createWorker';
import { tailorDataConverter } from '../../workers/dataConverter';
import { scheduledPipelineWorkflow } from '../../workflows/scheduledPipelineWorkflow';
import { uniqueName } from '../operations/support';
import { useHarness } from '../support/pipelineHarness';
import { EXAMPLE_SPEC } from '../support/specFiles';
import { captureTraffic, distillSpec, useTeacherBackend } from './support/distillFixtures';
import { connectTestWorker, sharedBundle, uniqueTaskQueue } from '../support/temporal';

const TICKETS = path.join(path.dirname(EXAMPLE_SPEC), 'data', 'tickets.jsonl');
/** Captured requests when the run is named, and those captured after it. */
const NAMED = 40;
const LATER = 6;
const h = useHarness('distill-pinned');
const teacher = useTeacherBackend(() => h.home);
const pinnedSpec = (name: string, alias: string) =>
  distillSpec(name, { from: 'capture', alias, window: '7d' }, 'pinned');

test('tailor run: traffic captured after the run was named is not distilled', async () => {
  const alias = 'pinned-run@prod';
  captureTraffic(alias, 0, NAMED);
  const name = uniqueName('distill-pinned-run');
  const loaded = loadSpec(pinnedSpec(name, alias));
  const named = await pipelineDataset(loaded);
  // No worker polls this queue yet: the run is started and named, and waits there.
  const taskQueue = uniqueTaskQueue('distill-pinned');
  const { runId, handle } = await startPipeline(h.client, loaded, { taskQueue });
  expect(runId).toBe(pipelineRunId(name, named.datasetSha256, loaded.specSha256));
  captureTraffic(alias, NAMED, NAMED + LATER);
  // The traffic has grown: exported now, it would name another run.
  expect((await pipelineDataset(loaded)).datasetSha256).not.toBe(named.datasetSha256);
  const asked = await teacher.requests();
  const connection = await connectTestWorker();
  try {
    const worker = await createTailorWorker({ connection, taskQueue, workflowBundle: await sharedBundle() });
    const run = (await worker.runUntil(handle.result())) as PipelineResult;
    expect(run.distill!.teacher).toMatchObject({ prompts: NAMED, unique: NAMED, calls: NAMED, cached: 0 });
    expect(await teacher.requests()).toBe(asked + NAMED);
    expect(run.deploy.outcome).toBe('promoted');
  } finally {
    await connection.close();
  }
}, 300_000);

test('a scheduled run: traffic captured after its export named the run is not distilled', async () => {
  const alias = 'pinned-tick@prod';
  captureTraffic(alias, 100, 100 + NAMED);
  const name = uniqueName('distill-pinned-tick');
  const loaded = loadSpec(pinnedSpec(name, alias));
  const named = await pipelineDataset(loaded);
  const taskQueue = uniqueTaskQueue('distill-pinned-tick');
  // The real activities, but the tick's export is followed at once by new traffic, before the pipeline starts.
  let exports = 0;
  const materializeCaptureDataset: typeof activities.materializeCaptureDataset = async (input) => {
    const out = await activities.materializeCaptureDataset(input);
    if (exports++ === 0) captureTraffic(alias, 100 + NAMED, 100 + NAMED + LATER);
    return out;
  };
  const asked = await teacher.requests();
  const connection = await connectTestWorker();
  try {
    const worker = await Worker.create({
      connection,
      taskQueue,
      activities: { ...activities, materializeCaptureDataset },
      workflowBundle: await sharedBundle(),
      dataConverter: tailorDataConverter(),
    });
    const tick = h.client.workflow.execute(scheduledPipelineWorkflow, {
      taskQueue,
      workflowId: uniqueName('distill-pinned-tick'),
      args: [{ spec: loaded.spec, specSha256: loaded.specSha256 }],
    });
    const runId = pipelineRunId(name, named.datasetSha256, loaded.specSha256);
    expect(await worker.runUntil(tick)).toEqual({
      outcome: 'completed',
      datasetSha256: named.datasetSha256,
      runId,
      deploy: 'promoted',
    });
    expect(exports).toBe(1);
    expect((await pipelineDataset(loaded)).datasetSha256).not.toBe(named.datasetSha256);
    const run = (await h.client.workflow.getHandle(runId).result()) as PipelineResult;
    expect(run.distill!.teacher).toMatchObject({ prompts: NAMED, unique: NAMED, calls: NAMED, cached: 0 });
    expect(await teacher.requests()).toBe(asked + NAMED);
  } finally {
    await connection.close();
  }
}, 300_000);

test('the distill step reads the export it is given, without the answers; only an artifact URI', async () => {
  const alias = 'pinned-step@prod';
  captureTraffic(alias, 200, 210);
  const prompts = { from: 'capture' as const, alias };
  const { distillPrompts } = await pipelineDataset(loadSpec(pinnedSpec(uniqueName('distill-pinned-step'), alias)));
  captureTraffic(alias, 210, 215);
  const out = await materializeDistillPrompts({ prompts, exported: distillPrompts! });
  expect(out).toMatchObject({ count: 10, withReference: 0 });
  expect(await materializeDistillPrompts({ prompts })).toMatchObject({ count: 15 });
  const err = await materializeDistillPrompts({ prompts, exported: TICKETS }).catch((e: unknown) => e);
  expect(err).toMatchObject({
    type: Failure.InvalidDataset,
    nonRetryable: true,
    message: `distill.prompts: not an export's artifact URI: ${TICKETS}`,
  });
});
