import { workflowInfo } from '@temporalio/workflow';
import type { DeployInput, DeployResult } from '../core/pipeline/pipelineTypes';
import { dataActivities, evalActivities } from './activityProxies';

/**
 * Promotion: the gate's decision → approval (auto for now) → move the alias → a smoke evaluation through the alias
 * → on failure, move the alias back and end `rolled_back`. Every move is recorded in the registry's alias history.
 */
export async function deployWorkflow(input: DeployInput): Promise<DeployResult> {
  const { gate } = input;
  const runId = input.runId;
  const who = `tailor:${workflowInfo().workflowType}`;
  if (!gate.passed) {
    return { outcome: 'gate_failed', alias: input.alias, model: null, previous: null, reason: gate.reason };
  }
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
  });
  await dataActivities.recordApproval({ runId, pipeline: input.pipeline, decision: 'approved', who, why: `auto: ${gate.reason}` });
  const { previous } = await dataActivities.moveAlias({
    pipeline: input.pipeline,
    alias: input.alias,
    toModel: gate.candidate.model,
    who,
    why: `promoted by run ${runId}: ${gate.reason}`,
    runId,
  });

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
    const why =
      smoke.resolvedModel !== gate.candidate.model
        ? `alias resolved to ${smoke.resolvedModel}, not ${gate.candidate.model}`
        : `smoke score ${smoke.score.toFixed(3)} < ${floor.toFixed(3)} (candidate ${gate.candidate.score.toFixed(3)} − tolerance ${input.smoke.tolerance})`;
    await dataActivities.moveAlias({ pipeline: input.pipeline, alias: input.alias, toModel: previous, who, why: `rollback: ${why}`, runId: `${runId}#rollback` });
    return { outcome: 'rolled_back', alias: input.alias, model: previous, previous: gate.candidate.model, smokeScore: smoke.score, reason: why };
  }
  return {
    outcome: 'promoted',
    alias: input.alias,
    model: gate.candidate.model,
    previous,
    smokeScore: smoke.score,
    reason: `${gate.reason}; smoke ${smoke.score.toFixed(3)} on ${smoke.n} cases through the alias`,
  };
}
