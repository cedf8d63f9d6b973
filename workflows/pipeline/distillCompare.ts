import { distillGate } from '../../core/distill/distillGate';
import type { DistillResult } from '../../core/distill/distillTypes';
import type { FineTuneResult } from '../../core/pipeline/fineTuneTypes';
import type { GateDecision } from '../../core/pipeline/pipelineTypes';
import { compareStepDetail } from '../../core/report/distillSection';
import { proxyFor } from '../activityProxies';
import type { DistilledRun } from './distillTeacher';

/**
 * After the gate of a `distill:` run: the student answers the held-out prompts and is compared with the teacher
 * (agreement, accuracy where references exist, cost per 1,000 requests for both); under `distill.minAgreement` the
 * gate also needs that much agreement.
 */
export async function distillCompare(
  distilled: DistilledRun,
  fineTune: FineTuneResult,
  gate: GateDecision,
): Promise<{ gate: GateDecision; distill: DistillResult }> {
  const { run, teacher } = distilled;
  const { spec } = run;
  const distill = spec.distill!;
  run.stage('compare');
  return run.tracker.run(
    'compare',
    async () => {
      const comparison = await proxyFor('evaluation', spec.timeouts).compareWithTeacher({
        student: fineTune.model,
        provider: spec.provider,
        teacher: teacher.model,
        heldOut: teacher.heldOut,
        metric: spec.evaluation.metric,
        concurrency: spec.evaluation.concurrency,
        ...(distill.teacher.maxTokens !== undefined ? { maxTokens: distill.teacher.maxTokens } : {}),
      });
      const { heldOut: _heldOut, train, ...summary } = teacher;
      const result = { teacher: { ...summary, trainExamples: train.count }, comparison };
      return distillGate(gate, result, distill.minAgreement);
    },
    (r) => compareStepDetail(r.distill),
  );
}
