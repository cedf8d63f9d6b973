import type { SearchAttributePair } from '@temporalio/common';
import type { EvalSuiteResult } from '../../core/evalSuite/evalSuiteRun';
import type { CheaperVerdict, CheapestPassing } from '../../core/gate/cheapestPassing';
import type { DistillResult } from '../../core/distill/distillTypes';
import type { FineTuneResult } from '../../core/pipeline/fineTuneTypes';
import type { DeployResult, GateDecision, PipelineResult } from '../../core/pipeline/pipelineTypes';
import { TailorModel, TailorOutcome, TailorStage } from '../../core/operations/searchAttributes';
import type { CheaperRound } from './judgeCheaperVariants';
import type { PipelineRun, RunData } from './pipelineRun';

/**
 * Phase 6 under `fineTune.when: needed` when a cheaper variant passed the gate: nothing is trained or moved (the
 * registry's aliases name models, and the kept variant is a prompt on the base model).
 */
export function keepCheaperVariant(
  run: PipelineRun,
  data: RunData,
  round: CheaperRound,
  chosen: CheaperVerdict,
): Promise<PipelineResult> {
  const { spec, tracker } = run;
  const { evaluation, judged, production } = round;
  const score = evaluation.leaderboard.find((s) => s.variantId === chosen.variantId)!;
  const why = `fine-tuning not needed: ${chosen.label} passed the gate (${chosen.gate.reason})`;
  tracker.skip('fine-tune', why);
  if (tracker.has('compare')) tracker.skip('compare', 'no student was trained to compare with the teacher');
  const unchanged = "the registry's aliases name models, and the kept variant is a prompt on the base model";
  tracker.skip('deploy', `${spec.deploy.alias} unchanged: ${unchanged}`);
  const kept = {
    ...chosen,
    model: score.model,
    ...(score.promptVersion ? { promptVersion: score.promptVersion } : {}),
  };
  return finish(run, [{ key: TailorOutcome, value: 'not_needed' }], {
    ...summary(run, data),
    fineTune: null,
    leaderboard: evaluation.leaderboard,
    cheaper: { verdicts: judged.verdicts, chosen: kept },
    gate: chosen.gate,
    deploy: { outcome: 'not_needed', alias: spec.deploy.alias, model: null, previous: production ?? null, reason: why },
    evaluationReport: evaluation.reports.json,
    evaluationHtml: evaluation.reports.html,
  });
}

/** Phase 6 after fine-tuning: the evaluation, the gate, what deploying did, and the cheaper round's verdicts. */
export function fineTunedResult(
  run: PipelineRun,
  data: RunData,
  outcome: {
    fineTune: FineTuneResult;
    evaluation: EvalSuiteResult;
    gate: GateDecision;
    deploy: DeployResult;
    judged?: CheapestPassing;
    distill?: DistillResult;
  },
): Promise<PipelineResult> {
  const { fineTune, evaluation, gate, deploy, judged, distill } = outcome;
  const marks: SearchAttributePair[] = [
    { key: TailorOutcome, value: deploy.outcome },
    ...(deploy.model ? [{ key: TailorModel, value: deploy.model }] : []),
  ];
  return finish(run, marks, {
    ...summary(run, data),
    fineTune,
    leaderboard: evaluation.leaderboard,
    ...(judged ? { cheaper: { verdicts: judged.verdicts } } : {}),
    gate,
    deploy,
    evaluationReport: evaluation.reports.json,
    evaluationHtml: evaluation.reports.html,
    ...(distill ? { distill } : {}),
  });
}

/** What every result carries, however the run ends. */
function summary(run: PipelineRun, data: RunData) {
  const { input, spec } = run;
  return {
    runId: run.runId,
    pipeline: spec.name,
    specSha256: input.specSha256,
    datasetSha256: input.datasetSha256,
    steps: run.tracker.steps,
    prepared: data.prepared,
    validation: data.validation,
    spend: run.spend,
  };
}

/** The run is done: its search attributes say how it ended, and the run report is written. */
async function finish(run: PipelineRun, marks: SearchAttributePair[], result: PipelineResult): Promise<PipelineResult> {
  run.tracker.current = 'done';
  run.mark([{ key: TailorStage, value: 'done' }, ...marks]);
  await run.dataActivities.writeRunReport({ result });
  return result;
}
