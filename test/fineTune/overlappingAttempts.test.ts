import type { WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { workflowEvents } from '../../core/audit/workflowEvents';
import type { FineTuneInput } from '../../core/pipeline/fineTuneTypes';
import { fineTuneWorkflow } from '../../workflows/fineTuneWorkflow';
import { fineTuneProgressQuery } from '../../workflows/messages';
import { exampleTrainingArtifact, faultsFired, jobsTagged, sdk, setFaults, uploadsOf } from '../support/backendAdmin';
import { useHarness } from '../support/pipelineHarness';
import { eventually } from '../support/temporal';

/**
 * A provider request that outlives its activity attempt: the attempt gives up (its request is aborted), the retry
 * creates or uploads again, and the first request still lands at the provider later. Exactly one job trains and one
 * copy of the file stays; the extra is removed and named in the history the audit reads. Training is held (slow
 * steps) until the late request has landed, so nothing races the clock.
 */
describe('fineTuneWorkflow: overlapping attempts and cancellation while creating', () => {
  const h = useHarness('ft-overlap');
  afterEach(async () => {
    await setFaults(h.backend.baseURL, '');
  });

  const input = async (tag: string, offset: number, timeouts: FineTuneInput['timeouts']): Promise<FineTuneInput> => ({
    runTag: tag,
    pipeline: 'overlap',
    datasetSha256: 'e'.repeat(64),
    model: 'gpt-4o-mini-2024-07-18',
    train: await exampleTrainingArtifact(60, offset),
    method: {
      type: 'supervised',
      hyperparameters: { n_epochs: 2, batch_size: 'auto', learning_rate_multiplier: 'auto' },
    },
    suffix: 'overlap',
    poll: { initial: '200ms', max: '1s', factor: 2 },
    timeouts,
  });
  const start = (i: FineTuneInput) =>
    h.client.workflow.start(fineTuneWorkflow, { workflowId: i.runTag, taskQueue: h.taskQueue, args: [i] });

  /** Every provider ID the history's activities name under `key` (what `tailor audit` lists as outputs). */
  async function auditIds(handle: WorkflowHandle, key: string): Promise<string[]> {
    const { events } = await handle.fetchHistory();
    const ids = workflowEvents(handle.workflowId, events ?? []).activities.map((a) => a.ids?.[key]);
    return ids.flatMap((v) => (v ? v.split(', ') : []));
  }

  it('a create slower than its attempt: one job trains, the late extra is cancelled, named in the audit', async () => {
    await setFaults(h.backend.baseURL, 'jobs.create=slow:8000#1, train.slow=1000');
    const tag = `ft-slow-create-${Date.now()}`;
    const handle = await start(await input(tag, 0, { providerCall: '3s' }));
    const api = sdk(h.backend.baseURL);
    // The first create lands at 8 s, after the retry made its own job: it must be cancelled while training is held.
    const seen = await eventually(
      'the late job to land and be cancelled',
      async () => {
        const jobs = await jobsTagged(api, tag);
        return jobs.length === 2 && jobs.some((j) => j.status === 'cancelled') ? jobs : undefined;
      },
      60_000,
    );
    await setFaults(h.backend.baseURL, ''); // train at full speed from now on
    const result = await handle.result();
    const jobs = await jobsTagged(api, tag);
    const live = jobs.filter((j) => j.status !== 'cancelled');
    expect(live.map((j) => [j.id, j.status])).toEqual([[result.jobId, 'succeeded']]);
    const extra = seen.find((j) => j.id !== result.jobId)!;
    expect(extra.created_at).toBeGreaterThanOrEqual(live[0]!.created_at); // the oldest is kept
    expect(await auditIds(handle, 'cancelledJobIds')).toEqual([extra.id]);
  }, 120_000);

  it('an upload slower than its attempt: one copy of the file stays, the late one is deleted and named', async () => {
    await setFaults(h.backend.baseURL, 'files.create=slow:8000#1, train.slow=1000');
    const tag = `ft-slow-upload-${Date.now()}`;
    const i = await input(tag, 60, { upload: '3s' });
    const handle = await start(i);
    const api = sdk(h.backend.baseURL);
    const landed = async () => ((await uploadsOf(api, i.train)) === 2 ? true : undefined);
    await eventually('the late upload to land', landed, 60_000);
    await setFaults(h.backend.baseURL, '');
    const result = await handle.result();
    expect(await uploadsOf(api, i.train)).toBe(1);
    const deleted = await auditIds(handle, 'deletedFileIds');
    expect(deleted).toHaveLength(1);
    expect(deleted[0]).not.toBe(result.trainingFileId);
    expect(await jobsTagged(api, tag)).toHaveLength(1);
  }, 120_000);

  it('cancelled while the job is being created: the job that lands is cancelled, none trains', async () => {
    // The create is answered after 10 s (inside the 30 s attempt): the run sits in creating_job until then.
    await setFaults(h.backend.baseURL, 'jobs.create=slow:10000#1');
    const tag = `ft-cancel-creating-${Date.now()}`;
    const handle = await start(await input(tag, 120, undefined));
    await eventually(
      'the create request to be at the provider',
      async () => {
        const p = await handle.query(fineTuneProgressQuery);
        return p.phase === 'creating_job' && (await faultsFired(h.backend.baseURL)) === 1 ? true : undefined;
      },
      60_000,
    );
    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    expect((err as { cause?: unknown }).cause).toBeInstanceOf(CancelledFailure);
    // The slow create lands whatever the workflow did: wait for it, then nothing of the run may be live.
    const jobs = await eventually(
      'the create to land',
      async () => {
        const js = await jobsTagged(sdk(h.backend.baseURL), tag);
        return js.length && js.every((j) => j.status !== 'validating_files') ? js : undefined;
      },
      30_000,
    );
    expect(jobs.map((j) => j.status)).toEqual(['cancelled']);
  }, 120_000);

  it('cancelled while uploading: no job is ever created', async () => {
    await setFaults(h.backend.baseURL, 'files.create=slow:5000#1');
    const tag = `ft-cancel-uploading-${Date.now()}`;
    const i = await input(tag, 180, undefined);
    const handle = await start(i);
    const atProvider = async () => ((await faultsFired(h.backend.baseURL)) === 1 ? true : undefined);
    await eventually('the upload to be at the provider', atProvider, 60_000);
    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    expect((err as { cause?: unknown }).cause).toBeInstanceOf(CancelledFailure);
    expect(await jobsTagged(sdk(h.backend.baseURL), tag)).toHaveLength(0);
  }, 120_000);
});
