import type { FineTuneResult } from './fineTuneTypes';
import type { DeployInput, GateDecision, PipelineInput, PipelineResult } from './pipelineTypes';
import type { PipelineSpec } from './pipelineSpec';

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
    ...(spec.deploy.canary ? { canary: canaryRequest(spec) } : {}),
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

/**
 * The canary's share and, with `on: teacher`, the teacher's NAME@ALIAS it goes on (config/loadSpec.ts checked that
 * the teacher is an alias). `on: self` sends what older runs sent: the percent only.
 */
function canaryRequest(spec: PipelineSpec): NonNullable<DeployInput['canary']> {
  const { percent, on } = spec.deploy.canary!;
  const teacher = spec.distill?.teacher.model;
  if (on !== 'teacher' || !teacher?.includes('@')) return { percent };
  const [pipeline, alias] = teacher.split('@') as [string, string];
  return { percent, on: { pipeline, alias } };
}
