import type { ArtifactRef } from '../core/artifacts/artifactRef';
import type { Metric } from '../core/eval/score';
import type { ProviderSpec } from '../core/spec/providerSpec';
import type { Variant, VariantScore } from '../core/evalSuite/evaluationTypes';
import type { ActivityTimeoutOverrides } from '../core/activityOptions/activityTimeouts';
import { activityProxies } from './activityProxies';

export interface EvaluateInput {
  variants: Variant[];
  test: ArtifactRef;
  metric: Metric;
  concurrency: number;
  maxExamples?: number;
  provider?: ProviderSpec;
  /** The spec's `timeouts:` (core/activityOptions/activityTimeouts.ts). @default the table */
  timeouts?: ActivityTimeoutOverrides;
}

export interface EvaluateResult {
  leaderboard: VariantScore[];
  report: ArtifactRef;
}

/** Scores every variant on the same held-out split, in parallel, and stores the leaderboard as one report. */
export async function evaluateWorkflow(input: EvaluateInput): Promise<EvaluateResult> {
  const { dataActivities, evalActivities } = activityProxies(input.timeouts);
  const scores = await Promise.all(
    input.variants.map((variant) =>
      evalActivities.evaluateVariant({
        variant,
        test: input.test,
        metric: input.metric,
        concurrency: input.concurrency,
        maxExamples: input.maxExamples,
        provider: input.provider,
      }),
    ),
  );
  const leaderboard = [...scores].sort((a, b) => b.score - a.score);
  const report = await dataActivities.storeJson({
    name: 'evaluation.json',
    value: { test: input.test, metric: input.metric, leaderboard },
  });
  return { leaderboard, report };
}
