import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, rootCause } from '@temporalio/common';
import { clientResolved, loadSpec } from '../../config/loadSpec';
import { Failure } from '../../core/failures/failureTypes';
import type { DeployInput, GateDecision, PipelineInput, PipelineResult } from '../../core/pipeline/pipelineTypes';
import { customizationPipeline } from '../../workflows/customizationPipeline';
import { deployWorkflow } from '../../workflows/deployWorkflow';
import { exampleSpecWith } from '../support/specFiles';
import { startBranchHarness, type BranchHarness } from './branchEnv';
import { fakeRef, pipelineMocks, type PipelineWorld } from './mockActivities';

const FINE_TUNE_ACTIVITIES = ['uploadTrainingFile', 'getFileStatus', 'findOrCreateJob', 'getJobStatus'] as const;
const DEPLOY_ACTIVITIES = ['registerModel', 'recordApproval', 'moveAlias', 'smokeCheckAlias', 'notifyWebhook'] as const;

const gate: GateDecision = {
  passed: true,
  candidate: { variantId: 'fine-tuned', model: 'model-new', score: 0.9 },
  baseline: { variantId: 'base-zero-shot', model: 'base', score: 0.3, kind: 'base' },
  minImprovement: 0,
  minScore: 0,
  reason: 'fine-tuned scored 0.900 ≥ base 0.300 + 0.000',
};

/**
 * Workflow branches with every activity mocked (test/timeSkipping/mockActivities.ts) and the real workflow bundle:
 * each test says which way the run went and which activities it asked for, so a branch that should stop short
 * provably did. One file and one worker, so the workflows are bundled and loaded once (test/timeSkipping/branchEnv.ts
 * says why these run on the dev server rather than the SDK's time-skipping one).
 */
describe('workflow branches, activities mocked', () => {
  let b: BranchHarness;
  beforeAll(async () => {
    b = await startBranchHarness('branches');
  });
  afterAll(async () => {
    await b?.close();
  });
  let n = 0;

  describe('customizationPipeline', () => {
    const run = (patch: Record<string, unknown>, world: PipelineWorld) => {
      const name = `branch-${patch.name as string}`;
      const baselines = { zeroShot: true, fewShot: { k: 5, seed: 's' } };
      const loaded = loadSpec(exampleSpecWith({ baselines, ...patch }));
      const { spec, specSha256 } = loaded;
      const input: PipelineInput = { spec, specSha256, datasetSha256: 'd'.repeat(64), ...clientResolved(loaded) };
      const mocks = pipelineMocks(world);
      const workflowId = `${name}-${process.pid}-${Date.now().toString(36)}-${n++}`;
      return b.withMocks(mocks, () =>
        b.env.client.workflow
          .execute(customizationPipeline, { workflowId, taskQueue: b.taskQueue, args: [input] })
          .catch((err: unknown) => (err instanceof WorkflowFailedError ? err : Promise.reject(err))),
      );
    };
    const finished = (r: PipelineResult | WorkflowFailedError): PipelineResult => {
      if (r instanceof WorkflowFailedError) throw new Error(`the run failed: ${rootCause(r.cause) ?? r.message}`);
      return r;
    };

    it('fineTune.when: needed keeps a cheaper variant that passes: no fine-tune, nothing deployed', async () => {
      const { result, recorded } = await run(
        { name: 'needed-skip', fineTune: { when: 'needed', suffix: 'x' }, gate: { minScore: 0.5 } },
        { scores: { 'base-zero-shot': 0.4, 'base-few-shot-5': 0.7 } },
      );
      const r = finished(result);
      expect(r.deploy).toMatchObject({ outcome: 'not_needed', model: null });
      expect(r.fineTune).toBeNull();
      // Zero-shot misses the bar; the few-shot variant clears it and is kept.
      expect(r.cheaper?.verdicts.map((v) => [v.variantId, v.gate.passed])).toEqual([
        ['base-zero-shot', false],
        ['base-few-shot-5', true],
      ]);
      expect(r.cheaper?.chosen?.variantId).toBe('base-few-shot-5');
      const fineTuneStep = r.steps.find((s) => s.name === 'fine-tune');
      expect(fineTuneStep).toMatchObject({ status: 'skipped', detail: expect.stringContaining('not needed') });
      for (const a of [...FINE_TUNE_ACTIVITIES, ...DEPLOY_ACTIVITIES]) expect(recorded.calls).not.toContain(a);
      // One evaluation (the cheaper round), and the run's report.
      expect(recorded.calls.filter((c) => c === 'summariseEvalRun')).toHaveLength(1);
      expect(recorded.calls[recorded.calls.length - 1]).toBe('writeRunReport');
    });

    it('fineTune.when: needed fine-tunes when no cheaper variant passes, then evaluates and promotes', async () => {
      const { result, recorded } = await run(
        { name: 'needed-tune', fineTune: { when: 'needed', suffix: 'x' }, gate: { minScore: 0.8 } },
        { scores: { 'base-zero-shot': 0.3, 'base-few-shot-5': 0.5, 'fine-tuned': 0.9 } },
      );
      const r = finished(result);
      expect(r.cheaper?.chosen).toBeUndefined();
      expect(r.cheaper?.verdicts.map((v) => v.gate.passed)).toEqual([false, false]);
      expect(r.fineTune?.model).toBe('ft:gpt-4o-mini-2024-07-18:tailor::mock');
      expect(r.deploy).toMatchObject({ outcome: 'promoted', model: 'ft:gpt-4o-mini-2024-07-18:tailor::mock' });
      expect(recorded.calls.filter((c) => c === 'findOrCreateJob')).toHaveLength(1);
      // Cheaper round, then the full evaluation with the fine-tuned model.
      expect(recorded.inputsOf('summariseEvalRun').map((i) => i.variants.map((v) => v.id))).toEqual([
        ['base-zero-shot', 'base-few-shot-5'],
        ['base-zero-shot', 'base-few-shot-5', 'fine-tuned'],
      ]);
      expect(recorded.calls.indexOf('findOrCreateJob')).toBeLessThan(recorded.calls.indexOf('moveAlias'));
      expect(recorded.calls).toContain('smokeCheckAlias');
    });

    it('a failed gate deploys nothing and the result says why', async () => {
      const { result, recorded } = await run(
        { name: 'gate-fails', gate: { minImprovement: 0.1 } },
        { scores: { 'base-zero-shot': 0.6, 'base-few-shot-5': 0.65, 'fine-tuned': 0.64 } },
      );
      const r = finished(result);
      expect(r.gate.passed).toBe(false);
      expect(r.gate.reason).toBe('fine-tuned scored 0.640 < base 0.600 + 0.100');
      expect(r.deploy).toMatchObject({ outcome: 'gate_failed', model: null, reason: r.gate.reason });
      // Trained and evaluated, then stopped at the gate: no registration, approval, alias move, smoke check or webhook.
      expect(recorded.calls).toContain('findOrCreateJob');
      for (const a of DEPLOY_ACTIVITIES) expect(recorded.calls).not.toContain(a);
      expect(recorded.calls[recorded.calls.length - 1]).toBe('writeRunReport');
    });

    it('a budget below the fine-tune estimate refuses before anything is uploaded or created', async () => {
      const { result, recorded } = await run(
        { name: 'over-budget', budget: { usd: 0.01 } },
        { scores: {}, estimateUsd: 0.25 },
      );
      expect(result).toBeInstanceOf(WorkflowFailedError);
      let cause: unknown = result;
      while (cause instanceof Error && cause.cause) cause = cause.cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).type).toBe(Failure.BudgetExceeded);
      expect(rootCause((result as WorkflowFailedError).cause)).toMatch(
        /estimated at \$0\.2500, more than the \$0\.0100 left of the budget of \$0\.0100/,
      );
      // Only the preparation and the read-only preflight ran: no upload, job, evaluation or deployment.
      expect(recorded.calls).toEqual(['prepareDataset', 'validateDataset', 'preflightCheck']);
    });
  });

  describe('deployWorkflow', () => {
    const deploy = (name: string, input: Omit<DeployInput, 'runId'>, smokeScore?: number) => {
      const mocks = pipelineMocks({ scores: { 'fine-tuned': gate.candidate.score }, smokeScore });
      mocks.aliases.set(`${input.pipeline}/${input.alias}`, 'model-old');
      const workflowId = `${name}-${process.pid}-${Date.now().toString(36)}-${n++}`;
      const run = b.withMocks(mocks, async () => {
        const args: [DeployInput] = [{ runId: workflowId, ...input }];
        const handle = await b.env.client.workflow.start(deployWorkflow, { workflowId, taskQueue: b.taskQueue, args });
        return { result: await handle.result(), history: await handle.fetchHistory() };
      });
      return { run, aliases: mocks.aliases };
    };

    it('a manual approval that never comes times out: rejected, recorded as timed out, alias untouched', async () => {
      // The timer is what ends the wait: no update is ever sent. Short, since the dev server cannot skip time.
      const approval = { type: 'manual' as const, approvers: ['alice'], timeout: '300ms' };
      const { run, aliases } = deploy('approval-timeout', { pipeline: 'p', alias: 'prod', gate, approval });
      const { result, recorded } = await run;
      const reason = 'no approval within 300ms; nothing changed';
      expect(result.result).toMatchObject({ outcome: 'rejected', model: null, reason });
      expect(result.result.approval).toBeUndefined();
      // The approval's timer ran out: started for the policy's timeout, then fired.
      const events = result.history.events ?? [];
      const timer = events.find((e) => e.timerStartedEventAttributes)?.timerStartedEventAttributes;
      const timeout = timer?.startToFireTimeout;
      expect(Number(timeout?.seconds ?? 0) * 1e3 + (timeout?.nanos ?? 0) / 1e6).toBe(300);
      expect(events.some((e) => e.timerFiredEventAttributes)).toBe(true);
      expect(recorded.calls).toEqual(['recordApproval']);
      const [recordedApproval] = recorded.inputsOf('recordApproval');
      expect(recordedApproval).toMatchObject({ decision: 'timed_out', who: 'tailor:deployWorkflow' });
      expect(aliases.get('p/prod')).toBe('model-old');
    });

    it('a smoke check below tolerance after promotion moves the alias back and tells the webhooks', async () => {
      const webhook = { type: 'webhook' as const, url: 'http://127.0.0.1:9/hook', secretEnv: 'HOOK_SECRET' };
      const smoke = { test: fakeRef('test.jsonl', 50), examples: 20, tolerance: 0.15, metric: 'exact_match' as const };
      const input = { pipeline: 'p', alias: 'prod', gate, smoke, targets: [webhook] };
      const { run, aliases } = deploy('smoke-rollback', input, 0.5);
      const { result, recorded } = await run;
      expect(result.result).toMatchObject({
        outcome: 'rolled_back',
        model: 'model-old',
        previous: 'model-new',
        smokeScore: 0.5,
        reason: 'smoke score 0.500 < 0.750 (candidate 0.900 − tolerance 0.15)',
      });
      expect(aliases.get('p/prod')).toBe('model-old');
      expect(recorded.calls).toEqual([
        'recordApproval',
        'moveAlias',
        'notifyWebhook',
        'smokeCheckAlias',
        'moveAlias',
        'notifyWebhook',
      ]);
      expect(recorded.inputsOf('moveAlias').map((m) => [m.toModel, m.why.startsWith('rollback: ')])).toEqual([
        ['model-new', false],
        ['model-old', true],
      ]);
      expect(recorded.inputsOf('notifyWebhook').map((w) => [w.mapping.model, w.mapping.previous])).toEqual([
        ['model-new', 'model-old'],
        ['model-old', 'model-new'],
      ]);
    });
  });
});
