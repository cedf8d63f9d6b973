import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { startLocalOpenAI } from '../../providers/local/server';
import type { FineTuneInput } from '../../core/pipeline/fineTuneTypes';
import { fineTuneWorkflow } from '../../workflows/fineTuneWorkflow';
import { fineTuneProgressQuery, pauseFineTuneSignal, resumeFineTuneSignal } from '../../workflows/messages';
import { exampleTrainingArtifact, faultsFired, jobsTagged, sdk, setFaults, uploadsOf } from '../support/backendAdmin';
import { historyText } from '../support/historyText';
import { maybeRecordHistories } from '../support/recordHistories';
import { startHarness, type Harness } from '../support/pipelineHarness';
import { eventually } from '../support/temporal';
import { Failure } from '../../core/failures/failureTypes';

/**
 * fineTuneWorkflow against the local backend with injected faults: exactly one upload and one job, whatever happens.
 */
describe('fineTuneWorkflow under provider faults', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('finetune');
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(async () => {
    await setFaults(h.backend.baseURL, '');
  });

  const input = async (tag: string, lines = 120, offset = 0): Promise<FineTuneInput> => ({
    runTag: tag,
    pipeline: 'faults',
    datasetSha256: 'f'.repeat(64),
    model: 'gpt-4o-mini-2024-07-18',
    train: await exampleTrainingArtifact(lines, offset),
    method: {
      type: 'supervised',
      hyperparameters: { n_epochs: 2, batch_size: 'auto', learning_rate_multiplier: 'auto' },
    },
    suffix: 'faults',
    poll: { initial: '200ms', max: '1s', factor: 2 },
  });
  const start = async (tag: string, i: FineTuneInput) =>
    h.client.workflow.start(fineTuneWorkflow, { workflowId: tag, taskQueue: h.taskQueue, args: [i] });

  it('429 bursts, 500s and lost responses on upload and create: one uploaded file, one job', async () => {
    // drop_after does the work and then drops the connection: the retry must find the file and the job, not redo them.
    await setFaults(
      h.backend.baseURL,
      'files.create=429:300#2, files.create=500#1, files.create=drop_after#1, jobs.create=429:300#2, ' +
        'jobs.create=503#1, jobs.create=drop_after#1',
    );
    const tag = `ft-faults-${Date.now()}`;
    const i = await input(tag, 120, 0);
    const handle = await start(tag, i);
    const result = await handle.result();
    expect(result.model).toMatch(/^ft:/);
    const client = sdk(h.backend.baseURL);
    expect(await uploadsOf(client, i.train)).toBe(1);
    expect(await jobsTagged(client, tag)).toHaveLength(1);
    // The faults really fired: the backend counted each rule.
    const fired = (await fetch(`${h.backend.baseURL}/_admin/faults`).then((r) => r.json())) as {
      rules: { fired: number }[];
    };
    expect(fired.rules.every((r) => r.fired > 0)).toBe(true);
  });

  it('a second run on the same data reuses the uploaded file (keyed by sha256)', async () => {
    const a = await input(`ft-reuse-a-${Date.now()}`, 60, 200);
    const b = { ...a, runTag: `ft-reuse-b-${Date.now()}` };
    const ra = await (await start(a.runTag, a)).result();
    const rb = await (await start(b.runTag, b)).result();
    expect(rb.trainingFileId).toBe(ra.trainingFileId);
    expect(await uploadsOf(sdk(h.backend.baseURL), a.train)).toBe(1);
    expect(rb.jobId).not.toBe(ra.jobId);
  });

  it('the provider fails the job: the workflow fails naming the provider error', async () => {
    await setFaults(h.backend.baseURL, 'train.fail_after=3');
    const tag = `ft-fail-${Date.now()}`;
    const handle = await start(tag, await input(tag, 80, 300));
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as { type?: string; message: string };
    expect(cause.type).toBe(Failure.FineTuneJobFailed);
    expect(cause.message).toMatch(/failed/);
    await maybeRecordHistories(h.client, 'finetune-provider-failure', [tag]);
  });

  it('403 training_not_available fails at once, non-retryable, with the plain message', async () => {
    await setFaults(h.backend.baseURL, 'jobs.create=training_not_available');
    const tag = `ft-403-${Date.now()}`;
    const handle = await start(tag, await input(tag, 60, 380));
    const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = err.cause as { cause?: { type?: string; message: string; nonRetryable?: boolean } };
    expect(activityFailure.cause?.type).toBe(Failure.TrainingNotAvailable);
    expect(activityFailure.cause?.nonRetryable).toBe(true);
    expect(activityFailure.cause?.message).toContain('no longer accepts fine-tuning jobs');
    expect(await faultsFired(h.backend.baseURL)).toBe(1); // no retry storm: one attempt
    expect(await jobsTagged(sdk(h.backend.baseURL), tag)).toHaveLength(0);
  });

  it('the provider is chosen by config, by environment-variable names: the key never enters history', async () => {
    const second = await startLocalOpenAI({ port: 0, dataDir: path.join(h.home, 'second-backend') });
    const secret = ['sk', 'tailor-test-secret-0123456789abcdef'].join('-'); // made up, assembled at run time
    process.env.TAILOR_TEST_SECOND_URL = second.baseURL;
    process.env.TAILOR_TEST_SECOND_KEY = secret;
    try {
      const tag = `ft-provider-${Date.now()}`;
      const i: FineTuneInput = {
        ...(await input(tag, 60, 420)),
        provider: {
          type: 'openai-compatible',
          baseUrlEnv: 'TAILOR_TEST_SECOND_URL',
          apiKeyEnv: 'TAILOR_TEST_SECOND_KEY',
        },
      };
      const handle = await start(tag, i);
      await handle.result();
      expect(await jobsTagged(sdk(second.baseURL), tag)).toHaveLength(1);
      expect(await jobsTagged(sdk(h.backend.baseURL), tag)).toHaveLength(0);
      const history = historyText(await handle.fetchHistory());
      expect(history.includes('TAILOR_TEST_SECOND_KEY')).toBe(true); // the variable's name is there…
      expect(history.includes(secret)).toBe(false); // …its value is not
      expect(history.includes(second.baseURL)).toBe(false);

      // A variable the worker does not have: the step fails at once, naming it.
      const tag2 = `ft-provider-missing-${Date.now()}`;
      const missing = await start(tag2, {
        ...i,
        runTag: tag2,
        provider: { type: 'openai-compatible', baseUrlEnv: 'TAILOR_TEST_NOT_SET', apiKeyEnv: 'X' },
      });
      const err = (await missing.result().catch((e: unknown) => e)) as WorkflowFailedError;
      const cause = (err.cause as { cause?: { type?: string; message: string } }).cause;
      expect(cause?.type).toBe(Failure.ProviderNotConfigured);
      expect(cause?.message).toContain('TAILOR_TEST_NOT_SET');
    } finally {
      delete process.env.TAILOR_TEST_SECOND_URL;
      delete process.env.TAILOR_TEST_SECOND_KEY;
      await second.close();
    }
  });

  it('pause and resume reach the provider, and the run then completes', async () => {
    await setFaults(h.backend.baseURL, 'train.slow=100');
    const tag = `ft-pause-${Date.now()}`;
    const handle = await start(tag, await input(tag, 100, 150));
    const api = sdk(h.backend.baseURL);
    await eventually(
      'the job to be training',
      async () => ((await jobsTagged(api, tag))[0]?.status === 'running' ? true : undefined),
      60_000,
    );
    await handle.signal(pauseFineTuneSignal);
    await eventually('the job to be paused at the provider', async () =>
      ((await jobsTagged(api, tag))[0]?.status as string | undefined) === 'paused' ? true : undefined,
    );
    const seen = await eventually('the workflow to see the pause', async () => {
      const p = await handle.query(fineTuneProgressQuery);
      return p.job?.status === 'paused' ? p : undefined;
    });
    expect(seen.phase).toBe('training');
    await setFaults(h.backend.baseURL, '');
    await handle.signal(resumeFineTuneSignal);
    const result = await handle.result();
    expect(result.model).toMatch(/^ft:/);
    expect(await jobsTagged(api, tag)).toHaveLength(1);
    await maybeRecordHistories(h.client, 'finetune-paused-resumed', [tag]);
  });

  it('cancelling the workflow mid-training cancels the remote job', async () => {
    await setFaults(h.backend.baseURL, 'train.slow=200');
    const tag = `ft-cancel-${Date.now()}`;
    const handle = await start(tag, await input(tag, 120, 100));
    await eventually(
      'the job to be training',
      async () => {
        const p = await handle.query(fineTuneProgressQuery);
        return p.job?.status === 'running' ? p : undefined;
      },
      60_000,
    );
    await handle.cancel();
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const [job] = await jobsTagged(sdk(h.backend.baseURL), tag);
    expect(job?.status).toBe('cancelled');
    await maybeRecordHistories(h.client, 'finetune-cancelled', [tag]);
  });
});
