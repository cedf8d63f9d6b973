import { condition, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  checkApprovalRequest,
  type ApprovalDecision,
  type ApprovalRequest,
  type PendingApproval,
} from '../core/deploy/approval';
import type { DeployInput, DeployResult } from '../core/pipeline/pipelineTypes';
import { activityProxies } from './activityProxies';
import { approveUpdate, pendingApprovalQuery, rejectUpdate } from './deployMessages';
import { durationMs } from '../core/spec/durationMs';

/**
 * Promotion: the gate's decision → the approval policy (auto, or a named approver within a timeout) → move the
 * alias → tell the webhook targets → a smoke evaluation through the alias → on failure, move the alias back and end
 * `rolled_back`. Every move is recorded in the registry's alias history with who, why and the run. With `canary`
 * the alias stays put: the candidate is recorded as the alias's canary (the gateway serves it to that share of
 * users) and the run ends `canary`; `tailor promote NAME@ALIAS` or `tailor canary abort` decides later.
 * `canary.on` puts it on another pipeline's alias (a distilled student on its teacher's); the model keeps its own
 * pipeline's lineage.
 */
export async function deployWorkflow(input: DeployInput): Promise<DeployResult> {
  const { dataActivities, evalActivities } = activityProxies(input.timeouts);
  const { gate, runId } = input;
  const policy = input.approval ?? { type: 'auto' as const };
  const system = input.initiatedBy ?? `tailor:${workflowInfo().workflowType}`;

  // Approval handlers exist from the start, so an early answer is kept and a bad one is refused without history.
  let decision: ApprovalDecision | undefined;
  let pending: PendingApproval | null = null;
  const decide = (kind: ApprovalDecision['decision']) => (req: ApprovalRequest) => {
    decision = { ...checkApprovalRequest(policy, req), decision: kind, at: Date.now() };
    return decision;
  };
  const validator = (req: ApprovalRequest) => {
    if (decision) throw new Error(`already ${decision.decision} by ${decision.by}`);
    checkApprovalRequest(policy, req);
  };
  setHandler(approveUpdate, decide('approved'), { validator });
  setHandler(rejectUpdate, decide('rejected'), { validator });
  setHandler(pendingApprovalQuery, () => pending);

  if (!gate.passed) {
    return { outcome: 'gate_failed', alias: input.alias, model: null, previous: null, reason: gate.reason };
  }
  if (input.lineage) {
    await dataActivities.registerModel({
      model: gate.candidate.model,
      pipeline: input.pipeline,
      provider: input.lineage.provider,
      baseModel: input.lineage.baseModel,
      jobId: input.lineage.jobId,
      trainSha256: input.lineage.trainSha256,
      specSha256: input.lineage.specSha256,
      runId,
      evalReportUri: input.lineage.evalReportUri,
      score: gate.candidate.score,
      ...(input.lineage.details ? { details: input.lineage.details } : {}),
    });
  }

  let mover = system;
  let why = gate.reason;
  if (policy.type === 'manual') {
    const timeoutMs = durationMs(policy.timeout);
    pending = {
      waitingSince: Date.now(),
      deadline: Date.now() + timeoutMs,
      approvers: policy.approvers,
      candidate: { model: gate.candidate.model, score: gate.candidate.score },
      baseline: { model: gate.baseline.model, score: gate.baseline.score, kind: gate.baseline.kind },
      gateReason: gate.reason,
    };
    const answered = await condition(() => decision !== undefined, timeoutMs);
    pending = null;
    if (!answered || !decision) {
      const reason = `no approval within ${policy.timeout}; nothing changed`;
      await dataActivities.recordApproval({
        runId,
        pipeline: input.pipeline,
        decision: 'timed_out',
        who: system,
        why: reason,
      });
      return { outcome: 'rejected', alias: input.alias, model: null, previous: null, reason };
    }
    await dataActivities.recordApproval({
      runId,
      pipeline: input.pipeline,
      decision: decision.decision,
      who: decision.by,
      why: decision.reason,
    });
    if (decision.decision === 'rejected') {
      return {
        outcome: 'rejected',
        alias: input.alias,
        model: null,
        previous: null,
        reason: `rejected by ${decision.by}: ${decision.reason}`,
        approval: decision,
      };
    }
    mover = decision.by;
    why = `approved by ${decision.by}: ${decision.reason} (${gate.reason})`;
  } else {
    await dataActivities.recordApproval({
      runId,
      pipeline: input.pipeline,
      decision: 'approved',
      who: system,
      why: `auto: ${gate.reason}`,
    });
  }

  if (input.canary && patched('canary-deploy')) {
    const { percent, on } = input.canary;
    // A distilled student's canary goes on its teacher's alias (`on`); the same single activity either way.
    const target = on ?? { pipeline: input.pipeline, alias: input.alias };
    const model = gate.candidate.model;
    const started = await dataActivities.startCanary({
      percent,
      pipeline: target.pipeline,
      alias: target.alias,
      model,
      who: mover,
      why,
      runId,
    });
    const replaced =
      started.replaced && started.replaced !== model ? `; replaces the canary of ${started.replaced}` : '';
    const whose = on ? `${on.pipeline}@${on.alias}` : input.alias;
    return {
      outcome: 'canary',
      alias: target.alias,
      model,
      previous: started.primary,
      reason: `${why}; canary: ${percent}% of ${whose}'s users${replaced}`,
      approval: decision,
    };
  }

  const { previous } = await dataActivities.moveAlias({
    pipeline: input.pipeline,
    alias: input.alias,
    toModel: gate.candidate.model,
    who: mover,
    why,
    runId,
  });
  await notifyTargets(input, gate.candidate.model, previous, why);

  if (input.smoke) {
    const smoke = await evalActivities.smokeCheckAlias({
      pipeline: input.pipeline,
      alias: input.alias,
      test: input.smoke.test,
      examples: input.smoke.examples,
      metric: input.smoke.metric,
      provider: input.provider,
    });
    const floor = gate.candidate.score - input.smoke.tolerance;
    if (smoke.resolvedModel !== gate.candidate.model || smoke.score < floor) {
      const failure =
        smoke.resolvedModel !== gate.candidate.model
          ? `alias resolved to ${smoke.resolvedModel}, not ${gate.candidate.model}`
          : `smoke score ${smoke.score.toFixed(3)} < ${floor.toFixed(3)} (candidate ` +
            `${gate.candidate.score.toFixed(3)} − tolerance ${input.smoke.tolerance})`;
      await dataActivities.moveAlias({
        pipeline: input.pipeline,
        alias: input.alias,
        toModel: previous,
        who: system,
        why: `rollback: ${failure}`,
        runId: `${runId}#rollback`,
      });
      await notifyTargets(input, previous, gate.candidate.model, `rollback: ${failure}`);
      return {
        outcome: 'rolled_back',
        alias: input.alias,
        model: previous,
        previous: gate.candidate.model,
        smokeScore: smoke.score,
        reason: failure,
        approval: decision,
      };
    }
    return {
      outcome: 'promoted',
      alias: input.alias,
      model: gate.candidate.model,
      previous,
      smokeScore: smoke.score,
      reason: `${why}; smoke ${smoke.score.toFixed(3)} on ${smoke.n} cases through the alias`,
      approval: decision,
    };
  }
  return {
    outcome: 'promoted',
    alias: input.alias,
    model: gate.candidate.model,
    previous,
    reason: why,
    approval: decision,
  };
}

async function notifyTargets(
  input: DeployInput,
  model: string | null,
  previous: string | null,
  reason: string,
): Promise<void> {
  const { notifyActivities } = activityProxies(input.timeouts);
  const at = Date.now();
  await Promise.all(
    (input.targets ?? []).map((target) =>
      notifyActivities.notifyWebhook({
        target,
        mapping: { pipeline: input.pipeline, alias: input.alias, model, previous, runId: input.runId, reason, at },
      }),
    ),
  );
}
