import { z } from 'zod';
import { ArtifactRefSchema } from '../../core/artifacts/artifactRef';
import type { CaseResult } from '../../core/evalSuite/caseResult';
import { aggregateModel, isBelow } from '../../core/onlineEval/modelScores';
import type { ModelScore } from '../../core/onlineEval/onlineEvalTypes';
import type { StoredScore } from '../../stores/onlineEval/scoreStore';
import { artifactStore, withScoreStore } from '../../stores/processStores';

const InputSchema = z
  .object({
    alias: z.string().min(1),
    suite: z.string().min(1),
    tickAt: z.number().int(),
    threshold: z.number().min(0).max(1),
    runId: z.string().min(1),
    /** Workflow time, so a retried call records the same instant. */
    at: z.number().int(),
    models: z.array(z.object({ model: z.string().min(1), results: z.array(ArtifactRefSchema) }).strict()),
  })
  .strict();

/**
 * Each model's mean score for the tick, from the eval shards' per-case results, written to the score store once
 * per tick and model. A score already recorded for the tick (an earlier run of it) is what is returned, with
 * whether its alert was delivered, so a repeated tick neither changes the history nor alerts twice.
 */
export async function recordOnlineScores(input: z.input<typeof InputSchema>): Promise<ModelScore[]> {
  const { alias, suite, tickAt, threshold, runId, at, models } = InputSchema.parse(input);
  const artifacts = artifactStore();
  const fresh: Omit<StoredScore, 'alertedAt'>[] = [];
  for (const m of models) {
    const results: CaseResult[] = [];
    for (const ref of m.results) {
      for (const line of (await artifacts.readText(ref)).split('\n'))
        if (line.trim()) results.push(JSON.parse(line) as CaseResult);
    }
    const agg = aggregateModel(m.model, results);
    fresh.push({
      alias,
      suite,
      tick: tickAt,
      ...agg,
      threshold,
      below: isBelow(agg.score, threshold),
      runId,
      recordedAt: at,
    });
  }
  return withScoreStore(async (store) =>
    (await store.record(fresh)).map((s) => ({
      model: s.model,
      n: s.n,
      errored: s.errored,
      score: s.score,
      passRate: s.passRate,
      below: s.below,
      alertedAt: s.alertedAt,
    })),
  );
}
