import type { EvalSuiteResult } from '../../core/evalSuite/evalSuiteRun';
import { leaderboardDetail } from '../../core/evalSuite/leaderboardDetail';
import { cheapestPassing, type CheapestPassing } from '../../core/gate/cheapestPassing';
import type { Variant } from '../../core/evalSuite/evaluationTypes';
import { productionVariant } from '../../core/pipeline/pipelineVariants';
import type { PipelineRun, RunData } from './pipelineRun';
import { scoreVariants } from './scoreVariants';

/** The round of `fineTune.when: needed` that scores the cheaper variants before anything is trained. */
export interface CheaperRound {
  /** The model the alias names today (resolved once per run). */
  production: string | null;
  evaluation: EvalSuiteResult;
  /** Every cheaper variant's gate decision and cost, and the cheapest that passed, if any. */
  judged: CheapestPassing;
}

/**
 * Phase 2 (`fineTune.when: needed`): start simple. Score the cheaper variants beside production, judge each by
 * the gate the fine-tuned model would face, and keep the cheapest that passes.
 */
export async function judgeCheaperVariants(run: PipelineRun, data: RunData, cheaper: Variant[]): Promise<CheaperRound> {
  const { spec } = run;
  run.stage('evaluate');
  const production = await run.dataActivities.resolveAlias({ pipeline: spec.name, alias: spec.deploy.alias });
  const candidates = cheaper.map((v) => v.id);
  const variants = [...cheaper, ...(production ? [productionVariant(spec.deploy.alias, production)] : [])];
  const evaluation = await run.tracker.run(
    'evaluate',
    () =>
      scoreVariants(run, data, 'evaluate-baselines', variants, {
        candidate: candidates[0]!,
        gateCandidates: candidates,
      }),
    (e) => leaderboardDetail(e.leaderboard),
  );
  const judged = cheapestPassing({
    leaderboard: evaluation.leaderboard,
    candidates,
    gates: evaluation.gates,
    productionId: production ? 'production' : undefined,
    baseId: 'base-zero-shot',
    minImprovement: spec.gate.minImprovement,
    minScore: spec.gate.minScore,
    ruleCount: spec.gate.rules.length,
  });
  return { production, evaluation, judged };
}
