import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { Registry } from '../stores/registry/registryDb';
import { startPipeline } from '../cli/stack/startPipeline';
import { loadSpec } from '../config/loadSpec';
import { failureCause } from '../core/failures/failureCause';
import { progressQuery } from '../workflows/messages';
import { jobsTagged, sdk, setFaults } from './support/backendAdmin';
import { useHarness } from './support/pipelineHarness';
import { exampleSpecWith } from './support/specFiles';
import { maybeRecordHistories } from './support/recordHistories';
import { runCli } from './support/runCli';
import { eventually, testTemporalAddress } from './support/temporal';
import { Failure } from '../core/failures/failureTypes';

/** How the whole pipeline ends when something goes wrong: clearly, and with nothing deployed or paid for. */
describe('customizationPipeline failure paths', () => {
  const h = useHarness('pipeline-failures');
  afterEach(async () => {
    await setFaults(h.backend.baseURL, '');
  });
  const prodAlias = (pipeline: string) => {
    const r = new Registry(path.join(h.home, 'registry.db'));
    try {
      return r.resolveAlias(pipeline, 'prod');
    } finally {
      r.close();
    }
  };

  it('a budget smaller than the estimate stops the run before upload, saying estimate and budget', async () => {
    const loaded = loadSpec(exampleSpecWith({ name: 'budget-test', budget: { usd: 0.01 } }));
    const { handle } = await startPipeline(h.client, loaded, { taskQueue: h.taskQueue, rerun: true });
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = failureCause(err);
    expect(cause.type).toBe(Failure.BudgetExceeded);
    expect(cause.message).toMatch(/estimated at \$0\.2\d+, more than the \$0\.0100 left of the budget of \$0\.0100/);
    const files = await sdk(h.backend.baseURL).files.list({ purpose: 'fine-tune' });
    expect(files.data).toHaveLength(0); // nothing uploaded
    expect(prodAlias('budget-test')).toBeUndefined();
  });

  it('the provider fails the job: the run fails naming the provider error, and nothing is deployed', async () => {
    await setFaults(h.backend.baseURL, 'train.fail_after=5');
    const loaded = loadSpec(exampleSpecWith({ name: 'job-fails' }));
    const { handle, runId } = await startPipeline(h.client, loaded, { taskQueue: h.taskQueue, rerun: true });
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(failureCause(err).message).toMatch(/fine-tuning job ftjob-\S+ failed: /);
    const progress = await handle.query(progressQuery);
    expect(progress.steps.map((s) => s.status)).toEqual(['completed', 'completed', 'failed', 'skipped', 'skipped']);
    expect(prodAlias('job-fails')).toBeUndefined();
    expect(runId).toMatch(/^job-fails-/);

    // The audit, rebuilt from Temporal's history, names the failing step and the provider's error.
    const audit = await runCli(['audit', runId, '--json'], {
      TEMPORAL_ADDRESS: testTemporalAddress(),
      TAILOR_HOME: h.home,
    });
    expect(audit.code).toBe(0);
    const { timeline } = JSON.parse(audit.stdout) as {
      timeline: { workflowId: string; kind: string; name: string; status: string; detail?: string; attempt?: number }[];
    };
    const failedChild = timeline.find((t) => t.kind === 'child' && t.status === 'failed');
    expect(failedChild?.name).toBe(`${runId}/fine-tune`);
    expect(failedChild?.detail).toMatch(/fine-tuning job ftjob-\S+ failed/);
    const polls = timeline.filter((t) => t.workflowId === `${runId}/fine-tune` && t.name === 'getJobStatus');
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.every((p) => p.status === 'completed' && p.attempt === 1)).toBe(true);
    expect(timeline.some((t) => t.kind === 'workflow' && t.status === 'failed' && t.workflowId === runId)).toBe(true);
    await maybeRecordHistories(h.client, 'pipeline-provider-failure', [runId, `${runId}/fine-tune`]);
  });

  it("the spec's gate rules decide with statistics: an unmet rule stops the promotion and says why", async () => {
    const loaded = loadSpec(
      exampleSpecWith({
        name: 'gate-rules',
        gate: { minImprovement: 0, rules: ['accuracy >= 0.99', { better_than: 'prod', at: 0.95 }] },
      }),
    );
    const { handle } = await startPipeline(h.client, loaded, { taskQueue: h.taskQueue, rerun: true });
    const result = await handle.result();
    expect(result.gate.passed).toBe(false);
    expect(result.deploy.outcome).toBe('gate_failed');
    const rules = result.gate.rules!;
    expect(rules.rules).toHaveLength(2);
    // 0.99 is out of reach; better than base-zero-shot is clear
    expect(rules.rules.map((r) => r.passed)).toEqual([false, true]);
    expect(result.gate.reason).toContain('accuracy');
    expect(prodAlias('gate-rules')).toBeUndefined();
  });

  it('cancelling the pipeline mid-training cancels the remote job and ends the run cancelled', async () => {
    await setFaults(h.backend.baseURL, 'train.slow=150');
    const loaded = loadSpec(exampleSpecWith({ name: 'cancel-me' }));
    const { handle, runId } = await startPipeline(h.client, loaded, { taskQueue: h.taskQueue, rerun: true });
    const client = sdk(h.backend.baseURL);
    await eventually(
      'the remote job to be running',
      async () => {
        const [job] = await jobsTagged(client, `${runId}/fine-tune`);
        return job?.status === 'running' ? job : undefined;
      },
      60_000,
    );
    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const [job] = await jobsTagged(client, `${runId}/fine-tune`);
    expect(job?.status).toBe('cancelled');
    expect(prodAlias('cancel-me')).toBeUndefined();
    await maybeRecordHistories(h.client, 'pipeline-cancelled', [runId, `${runId}/fine-tune`]);
  });
});
