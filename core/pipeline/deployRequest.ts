import type { FineTuneResult } from './fineTuneTypes';
import type { DeployInput, GateDecision, PipelineInput, PipelineResult } from './pipelineTypes';

/**
 * What the deploy child gets for a fine-tuned model: the gate's decision, the spec's approval policy and targets,
 * the lineage the registry records before the model can be promoted, and the smoke check after the alias moves.
 */
export function deployRequest(
  input: PipelineInput,
  run: { runId: string; prepared: PipelineResult['prepared']; fineTune: FineTuneResult; evalReportUri: string },
  gate: GateDecision,
): DeployInput {
  const { spec } = input;
  const { fineTune, prepared } = run;
  return {
    runId: run.runId,
    pipeline: spec.name,
    alias: spec.deploy.alias,
    gate,
    approval: spec.deploy.approval,
    targets: spec.deploy.targets,
    ...(spec.deploy.canary ? { canary: spec.deploy.canary } : {}),
    lineage: {
      provider: spec.provider.type,
      baseModel: spec.baseModel,
      jobId: fineTune.jobId,
      trainSha256: prepared.train.sha256,
      specSha256: input.specSha256,
      evalReportUri: run.evalReportUri,
      ...(fineTune.selfHosted ? { details: { ...fineTune.selfHosted } } : {}),
    },
    smoke: {
      test: prepared.test,
      examples: spec.deploy.smoke.examples,
      tolerance: spec.deploy.smoke.tolerance,
      metric: spec.evaluation.metric,
    },
    provider: spec.provider,
    timeouts: spec.timeouts,
  };
}
