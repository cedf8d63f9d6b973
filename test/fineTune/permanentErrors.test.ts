import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';
import type { FineTuneInput } from '../../core/pipeline/fineTuneTypes';
import { toTemporalFailure } from '../../providers/openai/errors';
import { fineTuneWorkflow } from '../../workflows/fineTuneWorkflow';
import { exampleTrainingArtifact, faultsFired, jobsTagged, sdk, setFaults, uploadsOf } from '../support/backendAdmin';
import { startHarness, type Harness } from '../support/pipelineHarness';
import { Failure } from '../../core/failures/failureTypes';

const apiError = (status: number, code: string | null, message = `answer ${status}`) => {
  const body = { error: { message, type: code ?? 'invalid_request_error', code } };
  return OpenAI.APIError.generate(status, body, message, new Headers());
};

describe('provider error classes', () => {
  it('every 4xx but 408, 409, 425 and a rate-limit 429 is permanent; a quota 429 is permanent too', () => {
    const classify = (status: number, code: string | null = null) => {
      const f = toTemporalFailure(apiError(status, code), 'call') as ApplicationFailure;
      return [status, code, f.nonRetryable, f.type];
    };
    const permanent = [400, 401, 403, 404, 405, 410, 413, 415, 422, 451];
    for (const s of permanent) expect(classify(s)).toEqual([s, null, true, `Provider${s}`]);
    for (const s of [408, 409, 425, 500, 502, 503]) expect(classify(s)).toEqual([s, null, false, `Provider${s}`]);
    expect(classify(429, 'rate_limit_exceeded')).toEqual([429, 'rate_limit_exceeded', false, Failure.Provider429]);
    expect(classify(429, 'insufficient_quota')).toEqual([
      429,
      'insufficient_quota',
      true,
      Failure.ProviderQuotaExceeded,
    ]);
  });
});

/** Over real HTTP: the local backend answers with OpenAI's bodies; the run fails at once, in the provider's words. */
describe('fineTuneWorkflow: permanent provider answers fail at once', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('ft-permanent');
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(async () => {
    await setFaults(h.backend.baseURL, '');
  });

  const run = async (tag: string, offset: number) => {
    const i: FineTuneInput = {
      runTag: tag,
      pipeline: 'permanent',
      datasetSha256: 'd'.repeat(64),
      model: 'gpt-4o-mini-2024-07-18',
      train: await exampleTrainingArtifact(40, offset),
      method: {
        type: 'supervised',
        hyperparameters: { n_epochs: 1, batch_size: 'auto', learning_rate_multiplier: 'auto' },
      },
      poll: { initial: '200ms', max: '1s', factor: 2 },
    };
    const handle = await h.client.workflow.start(fineTuneWorkflow, {
      workflowId: tag,
      taskQueue: h.taskQueue,
      args: [i],
    });
    const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err.cause as { cause?: ApplicationFailure }).cause;
    return { cause, train: i.train };
  };

  it('429 insufficient_quota on the upload: one attempt, non-retryable, the provider message', async () => {
    await setFaults(h.backend.baseURL, 'files.create=quota');
    const { cause, train } = await run(`ft-quota-${Date.now()}`, 200);
    expect(cause?.type).toBe(Failure.ProviderQuotaExceeded);
    expect(cause?.nonRetryable).toBe(true);
    expect(cause?.message).toBe(
      'upload training file: provider answered 429 insufficient_quota: ' +
        'You exceeded your current quota, please check your plan and billing details.',
    );
    expect(await faultsFired(h.backend.baseURL)).toBe(1); // asked once, not retried
    expect(await uploadsOf(sdk(h.backend.baseURL), train)).toBe(0);
  });

  it('413 on the job create: one attempt, non-retryable, the provider message', async () => {
    await setFaults(h.backend.baseURL, 'jobs.create=413');
    const tag = `ft-413-${Date.now()}`;
    const { cause } = await run(tag, 260);
    expect(cause?.type).toBe('Provider413');
    expect(cause?.nonRetryable).toBe(true);
    expect(cause?.message).toBe('create fine-tuning job: provider answered 413: Injected fault: HTTP 413.');
    expect(await faultsFired(h.backend.baseURL)).toBe(1);
    expect(await jobsTagged(sdk(h.backend.baseURL), tag)).toHaveLength(0);
  });
});
