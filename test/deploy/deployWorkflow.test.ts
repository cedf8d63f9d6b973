import http from 'node:http';
import path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { Registry } from '../../stores/registry/registryDb';
import { verifyWebhook } from '../../core/deploy/webhookSignature';
import type { DeployInput, GateDecision } from '../../core/pipeline/pipelineTypes';
import { approveUpdate, pendingApprovalQuery, rejectUpdate } from '../../workflows/deployMessages';
import { deployWorkflow } from '../../workflows/deployWorkflow';
import { exampleTrainingArtifact } from '../support/backendAdmin';
import { useHarness } from '../support/pipelineHarness';
import { maybeRecordHistories } from '../support/recordHistories';
import { eventually } from '../support/temporal';

const BASE = 'gpt-4o-mini-2024-07-18';

function gate(model: string, score = 0.9): GateDecision {
  return {
    passed: true,
    candidate: { variantId: 'fine-tuned', model, score },
    baseline: { variantId: 'base-zero-shot', model: BASE, score: 0.2, kind: 'base' },
    minImprovement: 0,
    minScore: 0,
    reason: `candidate ${score} ≥ base 0.2`,
  };
}

describe('deployWorkflow: approval, promotion, smoke check, rollback, webhooks', () => {
  let registry: Registry;
  const h = useHarness('deploy', { beforeClose: () => registry?.close() });
  beforeAll(() => {
    registry = new Registry(path.join(h.home, 'registry.db'));
  });
  const deploy = (id: string, input: Omit<DeployInput, 'runId'>) =>
    h.client.workflow.start(deployWorkflow, {
      workflowId: id,
      taskQueue: h.taskQueue,
      args: [{ runId: id, ...input }],
    });
  const manual = { type: 'manual' as const, approvers: ['alice', 'bob'], timeout: '1 minute' };

  it('manual approval before the timeout promotes; the alias history names the approver and reason', async () => {
    const handle = await deploy(`approve-${Date.now()}`, {
      pipeline: 'p-approve',
      alias: 'prod',
      gate: gate('model-a'),
      approval: manual,
    });
    const pending = await eventually(
      'the approval to be pending',
      async () => (await handle.query(pendingApprovalQuery)) ?? undefined,
    );
    expect(pending).toMatchObject({ approvers: ['alice', 'bob'], candidate: { model: 'model-a' } });
    expect(registry.resolveAlias('p-approve', 'prod')).toBeUndefined(); // nothing moves before approval

    const decision = await handle.executeUpdate(approveUpdate, { args: [{ by: 'alice', reason: 'eval looks good' }] });
    expect(decision).toMatchObject({ decision: 'approved', by: 'alice' });
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'promoted', model: 'model-a' });
    expect(registry.resolveAlias('p-approve', 'prod')).toBe('model-a');
    const [move] = registry.aliasHistory('p-approve', 'prod');
    expect(move).toMatchObject({ toModel: 'model-a', who: 'alice' });
    expect(move!.why).toContain('eval looks good');
    await maybeRecordHistories(h.client, 'deploy-approved', [handle.workflowId]);
  });

  it('an approver not on the list, or no reason, is refused and the workflow keeps waiting', async () => {
    const handle = await deploy(`refuse-${Date.now()}`, {
      pipeline: 'p-refuse',
      alias: 'prod',
      gate: gate('model-r'),
      approval: manual,
    });
    await eventually('the approval to be pending', async () => (await handle.query(pendingApprovalQuery)) ?? undefined);
    const stranger = await handle
      .executeUpdate(approveUpdate, { args: [{ by: 'mallory', reason: 'trust me' }] })
      .catch((e: unknown) => e);
    expect(stranger).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String((stranger as WorkflowUpdateFailedError).cause?.message)).toContain("'mallory' is not an approver");
    const noReason = await handle
      .executeUpdate(approveUpdate, { args: [{ by: 'bob', reason: ' ' }] })
      .catch((e: unknown) => e);
    expect(String((noReason as WorkflowUpdateFailedError).cause?.message)).toContain('a reason is required');
    // Still waiting, and the refused requests left no trace in history.
    expect(await handle.query(pendingApprovalQuery)).not.toBeNull();
    const history = await handle.fetchHistory();
    expect(history.events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(false);

    await handle.executeUpdate(rejectUpdate, { args: [{ by: 'bob', reason: 'not this week' }] });
    const result = await handle.result();
    expect(result).toMatchObject({ outcome: 'rejected', model: null });
    expect(registry.resolveAlias('p-refuse', 'prod')).toBeUndefined();
    await maybeRecordHistories(h.client, 'deploy-rejected', [handle.workflowId]);
  });

  it('no approval before the timeout: the run ends rejected and nothing changes', async () => {
    const handle = await deploy(`timeout-${Date.now()}`, {
      pipeline: 'p-timeout',
      alias: 'prod',
      gate: gate('model-t'),
      approval: { ...manual, timeout: '2s' },
    });
    const result = await handle.result();
    expect(result.outcome).toBe('rejected');
    expect(result.reason).toContain('no approval within 2s');
    await maybeRecordHistories(h.client, 'deploy-approval-timeout', [handle.workflowId]);
    expect(registry.resolveAlias('p-timeout', 'prod')).toBeUndefined();
  });

  it('a failed smoke evaluation after promotion rolls the alias back; the history shows both moves', async () => {
    const pipeline = 'p-smoke';
    await (await deploy(`smoke-first-${Date.now()}`, { pipeline, alias: 'prod', gate: gate('model-old') })).result();
    const test = await exampleTrainingArtifact(40, 0);
    // The candidate claims 0.95 but is really the base model (zero-shot, ~0.2 here): the smoke check through the alias
    // catches it.
    const handle = await deploy(`smoke-${Date.now()}`, {
      pipeline,
      alias: 'prod',
      gate: gate(BASE, 0.95),
      smoke: { test, examples: 20, tolerance: 0.15, metric: 'exact_match' },
    });
    const result = await handle.result();
    expect(result.outcome).toBe('rolled_back');
    expect(result.smokeScore).toBeLessThan(0.8);
    expect(registry.resolveAlias(pipeline, 'prod')).toBe('model-old');
    const moves = registry.aliasHistory(pipeline, 'prod').map((m) => [m.fromModel, m.toModel]);
    expect(moves).toEqual([
      [null, 'model-old'],
      ['model-old', BASE],
      [BASE, 'model-old'],
    ]);
    await maybeRecordHistories(h.client, 'deploy-rolled-back', [handle.workflowId]);
  });

  it(
    'two concurrent promotions of one alias are both ' + 'recorded, in order; the alias ends on the later one',
    async () => {
      const pipeline = 'p-race';
      const [a, b] = await Promise.all([
        deploy(`race-a-${Date.now()}`, { pipeline, alias: 'prod', gate: gate('model-x') }),
        deploy(`race-b-${Date.now()}`, { pipeline, alias: 'prod', gate: gate('model-y') }),
      ]);
      await Promise.all([a.result(), b.result()]);
      const moves = registry.aliasHistory(pipeline, 'prod');
      expect(moves).toHaveLength(2);
      expect(moves[0]!.fromModel).toBeNull();
      expect(moves[1]!.fromModel).toBe(moves[0]!.toModel); // serialised: the second saw the first
      expect(registry.resolveAlias(pipeline, 'prod')).toBe(moves[1]!.toModel);
    },
  );

  it('a webhook target gets a signed POST of the new mapping, retried by Temporal until it answers 2xx', async () => {
    const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    let calls = 0;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        calls++;
        received.push({ headers: req.headers, body });
        res.statusCode = calls === 1 ? 503 : 204; // the first call fails: Temporal must retry
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    process.env.TAILOR_TEST_WEBHOOK_SECRET = 'whsec-test';
    try {
      const handle = await deploy(`hook-${Date.now()}`, {
        pipeline: 'p-hook',
        alias: 'prod',
        gate: gate('model-h'),
        targets: [{ type: 'webhook', url: `http://127.0.0.1:${port}/reload`, secretEnv: 'TAILOR_TEST_WEBHOOK_SECRET' }],
      });
      await handle.result();
      expect(calls).toBe(2);
      const last = received[1]!;
      expect(last.body).toBe(received[0]!.body); // the same body on every attempt
      expect(JSON.parse(last.body)).toMatchObject({
        type: 'alias.moved',
        pipeline: 'p-hook',
        alias: 'prod',
        model: 'model-h',
        previous: null,
      });
      expect(
        verifyWebhook(
          'whsec-test',
          String(last.headers['x-tailor-timestamp']),
          last.body,
          String(last.headers['x-tailor-signature']),
        ),
      ).toBe(true);
      expect(
        verifyWebhook(
          'wrong',
          String(last.headers['x-tailor-timestamp']),
          last.body,
          String(last.headers['x-tailor-signature']),
        ),
      ).toBe(false);
    } finally {
      delete process.env.TAILOR_TEST_WEBHOOK_SECRET;
      server.close();
    }
  });
});
