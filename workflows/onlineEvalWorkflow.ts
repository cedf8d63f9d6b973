import { ApplicationFailure, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { DEFAULT_SAMPLING } from '../core/evalSuite/evalSuiteTypes';
import { Failure } from '../core/failures/failureTypes';
import { referenceProblems } from '../core/onlineEval/referenceFree';
import type { OnlineEvalInput, OnlineEvalResult } from '../core/onlineEval/onlineEvalTypes';
import { TailorOutcome, TailorPipeline, TailorStage } from '../core/operations/searchAttributes';
import { proxyFor } from './activityProxies';

/** Set by Temporal on every run a Schedule starts: the time the run was due (the tick). */
const ScheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/**
 * One tick of online evaluation, started by a Temporal Schedule (`tailor online-eval start`) or once
 * (`tailor online-eval run-once`): sample the alias's captured traffic in the window ending at the tick, grade each
 * model's sample with the suite's reference-free graders (the eval suite's shard activity, the captured answer as
 * each case's sample), record one score per model, and send the deployment webhook an
 * `online-eval.below-threshold` event for each model under the threshold. The run's TailorOutcome says which.
 */
export async function onlineEvalWorkflow(input: OnlineEvalInput): Promise<OnlineEvalResult> {
  const local = proxyFor('evalCases');
  const grading = proxyFor('evalShard', undefined, { heartbeat: '30 seconds' });
  const notify = proxyFor('notify');
  const info = workflowInfo();
  const indexed = info.typedSearchAttributes.get(TailorPipeline) !== undefined;
  const mark = (pairs: SearchAttributePair[]) => indexed && upsertSearchAttributes(pairs);

  const problems = referenceProblems(input.assertions);
  if (input.assertions.length === 0 || problems.length > 0) {
    const why = problems.map((p) => `assert[${p.index}]: ${p.message}`).join('; ') || 'the suite has no assertions';
    throw ApplicationFailure.nonRetryable(
      `suite ${input.suite} cannot grade captured traffic: ${why}`,
      Failure.InvalidSuite,
    );
  }
  const tickAt = input.tickAt ?? info.typedSearchAttributes.get(ScheduledStartTime)?.getTime() ?? Date.now();
  const base = { alias: input.alias, suite: input.suite, tickAt, windowMs: input.windowMs, threshold: input.threshold };

  mark([{ key: TailorStage, value: 'online-eval' }]);
  const sampled = await local.sampleOnlineTraffic({
    alias: input.alias,
    suite: input.suite,
    tickAt,
    windowMs: input.windowMs,
    sample: input.sample,
  });
  if (sampled.models.length === 0) {
    mark([{ key: TailorOutcome, value: 'no-traffic' }]);
    return { ...base, outcome: 'no-traffic', rows: sampled.rows, unusable: sampled.unusable, scores: [], alerts: [] };
  }

  const graded = await Promise.all(
    sampled.models.map(async (m) => {
      const shard = await grading.evaluateShard({
        variant: { id: variantId(m.model), label: m.model, model: m.model, sampling: DEFAULT_SAMPLING },
        promptVersion: 'captured',
        cases: m.cases,
        start: 0,
        end: m.count,
        assertions: input.assertions,
        concurrency: input.concurrency ?? 4,
        graderModels: input.graderModels,
        provider: input.provider,
      });
      return { model: m.model, results: [shard.results] };
    }),
  );
  const scores = await local.recordOnlineScores({
    alias: input.alias,
    suite: input.suite,
    tickAt,
    threshold: input.threshold,
    runId: info.workflowId,
    at: Date.now(),
    models: graded,
  });

  const alerts: OnlineEvalResult['alerts'] = [];
  for (const s of scores.filter((x) => x.below)) {
    if (!input.webhook) {
      alerts.push({ model: s.model, delivered: 'no-webhook' });
      continue;
    }
    const sent = await notify.alertBelowThreshold({
      target: input.webhook,
      event: {
        type: 'online-eval.below-threshold',
        alias: input.alias,
        suite: input.suite,
        model: s.model,
        score: s.score!,
        threshold: input.threshold,
        n: s.n,
        tickAt: new Date(tickAt).toISOString(),
        windowMs: input.windowMs,
        runId: info.workflowId,
      },
      tick: tickAt,
      at: Date.now(),
    });
    alerts.push({ model: s.model, delivered: sent.delivered });
  }
  const outcome = scores.some((s) => s.below) ? 'below-threshold' : 'ok';
  mark([{ key: TailorOutcome, value: outcome }]);
  return { ...base, outcome, rows: sampled.rows, unusable: sampled.unusable, scores, alerts };
}

/** A model name as a variant ID, which names the shard's artifact: `ft:gpt-4o:acme::x` → `ft_gpt-4o_acme__x`. */
function variantId(model: string): string {
  return model.replace(/[^A-Za-z0-9._-]/g, '_');
}
