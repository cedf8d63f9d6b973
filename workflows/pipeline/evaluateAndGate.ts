import type { EvalSuiteResult } from '../../core/evalSuite/evalSuiteRun';
import { leaderboardDetail } from '../../core/evalSuite/leaderboardDetail';
import { fineTunedGate } from '../../core/gate/fineTunedGate';
import type { Variant } from '../../core/evalSuite/evaluationTypes';
import type { FineTuneResult } from '../../core/pipeline/fineTuneTypes';
import type { GateDecision } from '../../core/pipeline/pipelineTypes';
import { fineTunedVariants } from '../../core/pipeline/pipelineVariants';
import type { PipelineRun, RunData } from './pipelineRun';
import { scoreVariants } from './scoreVariants';

/**
 * Phase 4: score the fine-tuned model beside the cheaper variants and production on the held-out split, and
 * decide the gate. Under `when: needed` the cheaper variants' cases come from the result cache: nothing is paid
 * twice.
 */
export async function evaluateAndGate(
  run: PipelineRun,
  data: RunData,
  cheaper: Variant[],
  fineTune: FineTuneResult,
  /** Resolved before the cheaper round under `when: needed`; undefined otherwise. */
  production: string | null | undefined,
): Promise<{ evaluation: EvalSuiteResult; gate: GateDecision }> {
  const { spec } = run;
  run.stage('evaluate');
  // Resolved once: before the cheaper round under `when: needed`, here otherwise (the order older runs replay).
  const current =
    production !== undefined
      ? production
      : await run.dataActivities.resolveAlias({ pipeline: spec.name, alias: spec.deploy.alias });
  const variants = fineTunedVariants(cheaper, fineTune.model, current, spec.deploy.alias);
  const evaluation = await run.tracker.run(
    'evaluate',
    () => scoreVariants(run, data, 'evaluate', variants, { candidate: 'fine-tuned' }),
    (e) => leaderboardDetail(e.leaderboard),
  );
  const gate = fineTunedGate(evaluation, {
    minImprovement: spec.gate.minImprovement,
    minScore: spec.gate.minScore,
    ruleCount: spec.gate.rules.length,
  });
  return { evaluation, gate };
}
