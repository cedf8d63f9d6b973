import { ApplicationFailure, executeChild, setHandler, workflowInfo } from '@temporalio/workflow';
import { mapBounded } from '../core/concurrency/mapBounded';
import type { EvalProgress, EvalSuiteInput, EvalSuiteResult } from '../core/evalSuite/evalSuiteRun';
import type { VariantScore } from '../core/evalSuite/evaluationTypes';
import { evaluateGateRules, requiredComparisons, resolveBaseline } from '../core/stats/gateRules';
import { proxyFor } from './activityProxies';
import { buildIndexWorkflow } from './buildIndexWorkflow';
import { evalProgressQuery } from './evalSuiteMessages';
import { Failure } from '../core/failures/failureTypes';

// Defined with the workflow's other messages; clients that import it from here keep working.
export { evalProgressQuery };

/**
 * Scores every variant of a suite on the same cases and decides the gate. Cases are cut into shards; each shard is
 * one activity that heartbeats and caches every finished case (activities/evalSuite/evaluateShard.ts), so a lost
 * worker costs only the cases in flight. History carries refs and numbers: about 3 events per shard, so 5,000
 * cases in shards of 100 stay far below the history limits.
 */
export async function evalSuiteWorkflow(input: EvalSuiteInput): Promise<EvalSuiteResult> {
  const { suite } = input;
  const exec = suite.execution;
  const progress: EvalProgress = { stage: 'cases', shardsDone: 0, shardsTotal: 0, casesDone: 0, casesTotal: 0 };
  setHandler(evalProgressQuery, () => progress);

  const local = proxyFor('evalCases', input.timeouts);
  // Shards call the provider: retried until they succeed or fail permanently; a 429's retry-after sets the delay.
  const scoring = proxyFor('evalShard', input.timeouts, { heartbeat: exec.heartbeatTimeout });

  if (suite.variants.length === 0)
    throw ApplicationFailure.nonRetryable(`suite ${suite.name} has no variants`, Failure.InvalidSuite);
  const prepared = await local.prepareEvalCases({ source: suite.cases });
  progress.casesTotal = prepared.count * suite.variants.length;
  // Query state only (no commands), so older histories replay unchanged.
  progress.variants = suite.variants.map((v) => ({ id: v.id, casesDone: 0, casesTotal: prepared.count }));
  const needTemplate = prepared.shapes.vars + prepared.shapes.item - prepared.withSample;
  const bare = suite.variants.filter((v) => !v.prompt).map((v) => v.id);
  if (needTemplate > 0 && bare.length > 0) {
    throw ApplicationFailure.nonRetryable(
      `${needTemplate} case(s) have variables, not messages; variant(s) ${bare.join(', ')} need a prompt ` +
        `template to render them`,
      Failure.InvalidSuite,
    );
  }

  // RAG variants that name documents get their index built or refreshed first (incremental, a durable child).
  const indexes = new Map(suite.variants.filter((v) => v.rag?.docs).map((v) => [v.rag!.index, v]));
  for (const [out, v] of indexes) {
    await executeChild(buildIndexWorkflow, {
      workflowId: `${workflowInfo().workflowId}/index-${v.id}`,
      args: [
        {
          docs: v.rag!.docs!,
          out,
          ...(v.rag!.embeddingModel ? { model: v.rag!.embeddingModel } : {}),
          provider: input.provider,
        },
      ],
    });
  }

  progress.stage = 'variants';
  const ready = await Promise.all(
    suite.variants.map((variant) =>
      scoring.prepareEvalVariant({ variant, cases: prepared.cases, provider: input.provider }),
    ),
  );

  progress.stage = 'scoring';
  const ranges: [number, number][] = [];
  for (let start = 0; start < prepared.count; start += exec.shardSize)
    ranges.push([start, Math.min(prepared.count, start + exec.shardSize)]);
  progress.shardsTotal = ranges.length * suite.variants.length;
  let providerCalls = 0;
  let cacheHits = 0;
  const shardsOf = await Promise.all(
    // Each variant's first shards start variant by variant, in shard order (the order recorded histories replay).
    suite.variants.map((variant, vi) =>
      mapBounded(ranges, exec.shardsInFlight, async ([start, end]) => {
        const r = await scoring.evaluateShard({
          variant,
          promptVersion: ready[vi]!.promptVersion,
          cases: prepared.cases,
          start,
          end,
          fewShot: ready[vi]!.fewShot?.selection,
          ...(ready[vi]!.rag ? { retrieval: ready[vi]!.rag!.retrieval } : {}),
          assertions: suite.assertions,
          concurrency: exec.concurrency,
          pricing: suite.pricing,
          graderModels: suite.graderModels,
          provider: input.provider,
        });
        providerCalls += r.providerCalls;
        cacheHits += r.cacheHits;
        progress.shardsDone++;
        progress.casesDone += r.n;
        progress.variants![vi]!.casesDone += r.n;
        return r.results;
      }),
    ),
  );

  progress.stage = 'summary';
  const ids = suite.variants.map((v) => v.id);
  const placeholder = Object.fromEntries(ids.map((id) => [id, {}]));
  const candidate = suite.candidate ?? ids[0]!;
  const baseline = suite.baseline
    ? resolveBaseline(suite.baseline, { metrics: placeholder, aliases: suite.aliases })
    : undefined;
  const wanted = [
    ...(baseline
      ? ids
          .filter((id) => id !== baseline)
          .map((id) => ({ candidate: id, baseline, metric: suite.primaryMetric, level: 0.95 }))
      : []),
    ...[candidate, ...(suite.gateCandidates ?? [])].flatMap((judged) =>
      requiredComparisons(suite.gate, {
        candidate: judged,
        primaryMetric: suite.primaryMetric,
        metrics: placeholder,
        aliases: suite.aliases,
      }).map((c) => ({ candidate: judged, ...c })),
    ),
  ].filter(
    (c, i, all) =>
      all.findIndex(
        (o) => o.candidate === c.candidate && o.baseline === c.baseline && o.metric === c.metric && o.level === c.level,
      ) === i,
  );
  const summary = await local.summariseEvalRun({
    suite: suite.name,
    primaryMetric: suite.primaryMetric,
    variants: suite.variants.map((v, i) => ({
      id: v.id,
      label: v.label,
      model: v.model,
      promptVersion: ready[i]!.promptVersion,
      shards: shardsOf[i]!,
    })),
    comparisons: wanted,
    seed: input.seed,
  });

  const metrics = Object.fromEntries(summary.variants.map((v) => [v.variantId, v.metrics]));
  const judge = (judged: string) =>
    evaluateGateRules(suite.gate, {
      candidate: judged,
      primaryMetric: suite.primaryMetric,
      metrics,
      comparisons: summary.comparisons,
      aliases: suite.aliases,
    });
  const gate = judge(candidate);
  const gates = suite.gateCandidates
    ? Object.fromEntries(suite.gateCandidates.map((id) => [id, judge(id)]))
    : undefined;

  progress.stage = 'report';
  const ordered = [...summary.variants].sort(
    (a, b) => (b.metrics[suite.primaryMetric] ?? 0) - (a.metrics[suite.primaryMetric] ?? 0),
  );
  const reports = await local.renderEvalReport({
    suite: suite.name,
    description: suite.description,
    primaryMetric: suite.primaryMetric,
    variants: ordered,
    comparisons: summary.comparisons,
    gate: suite.gate.length ? gate : undefined,
    candidate,
    baseline,
    perVariant: summary.perVariant,
  });

  const leaderboard: VariantScore[] = ordered.map((v) => {
    const score = v.metrics[suite.primaryMetric] ?? 0;
    return {
      variantId: v.variantId,
      label: v.label,
      model: v.model,
      score,
      correct: Math.round(score * v.n),
      n: v.n,
      interval: v.interval ?? { low: score, high: score },
      promptTokens: v.metrics.prompt_tokens ?? 0,
      completionTokens: v.metrics.completion_tokens ?? 0,
      outputs: summary.perVariant[v.variantId]!,
      metrics: v.metrics,
      promptVersion: v.promptVersion,
    };
  });
  progress.stage = 'done';
  return {
    suite: suite.name,
    primaryMetric: suite.primaryMetric,
    candidate,
    ...(baseline ? { baseline } : {}),
    leaderboard,
    variants: ordered,
    comparisons: summary.comparisons,
    gate,
    ...(gates ? { gates } : {}),
    passed: gate.passed,
    cases: { ref: prepared.cases, count: prepared.count },
    results: summary.results,
    reports,
    fewShot: Object.fromEntries(
      ready
        .filter((r) => r.fewShot)
        .map((r) => [
          r.variantId,
          {
            poolSize: r.fewShot!.poolSize,
            excluded: r.fewShot!.excluded,
            meanExamples: r.fewShot!.meanExamples,
            meanTokens: r.fewShot!.meanTokens,
          },
        ]),
    ),
    providerCalls,
    cacheHits,
  };
}
