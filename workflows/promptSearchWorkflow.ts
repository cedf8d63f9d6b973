import { executeChild, setHandler, workflowInfo } from '@temporalio/workflow';
import type { PreparedDataset } from '../activities/dataset/prepareDataset';
import type { EvalSuiteResult } from '../core/evalSuite/evalSuiteRun';
import { candidateSuite, candidateVariantId } from '../core/promptSearch/candidateSuite';
import { bestOutcome, budgetStop, spentUsd } from '../core/promptSearch/searchBudget';
import type {
  CandidateOutcome,
  HeldOutScore,
  PromptCandidate,
  PromptSearchInput,
  PromptSearchProgress,
  PromptSearchResult,
} from '../core/promptSearch/searchTypes';
import { activityProxies, proxyFor } from './activityProxies';
import { evalSuiteWorkflow } from './evalSuiteWorkflow';
import { promptSearchProgressQuery } from './promptSearchMessages';

// Defined with the workflow's other messages; clients that import it from here keep working.
export { promptSearchProgressQuery };

/**
 * Automated prompt search: scores candidate prompts on the development split (the prepared `validation` split,
 * never `test`) in rounds, each candidate a child `evalSuiteWorkflow` named `${searchId}/candidate-${key12}`, within
 * a budget of candidates and/or USD; between rounds an optional rewriter model proposes a new candidate from the
 * best one's failures. The winner (and the starting prompt) are then scored once on the held-out `test` split.
 *
 * Resuming: outcomes of an earlier run of the same search come in as `resume` and are never evaluated again; a
 * candidate that had started but not finished runs again under the same child ID, its finished cases served by the
 * eval engine's per-case cache.
 */
export async function promptSearchWorkflow(input: PromptSearchInput): Promise<PromptSearchResult> {
  const searchId = workflowInfo().workflowId;
  const { settings } = input;
  const { dataActivities } = activityProxies(input.timeouts);
  const local = proxyFor('evalCases', input.timeouts);
  const provider = proxyFor('providerCall', input.timeouts);

  const progress: PromptSearchProgress = {
    stage: 'prepare',
    round: 0,
    running: [],
    finished: [],
    queued: 0,
    spentUsd: 0,
  };
  setHandler(promptSearchProgressQuery, () => progress);
  const finished = progress.finished;
  for (const o of input.resume ?? []) {
    if (!finished.some((f) => f.candidate.key === o.candidate.key))
      finished.push({ ...o, source: 'resumed', providerCalls: 0 });
  }
  const isDone = (c: PromptCandidate) => finished.some((f) => f.candidate.key === c.key);
  const baseCandidate = input.candidates[0]!;

  const prepared: PreparedDataset = await dataActivities.prepareDataset({
    dataset: input.dataset,
    model: input.baseModel,
  });
  const suiteFor = (candidates: PromptCandidate[], split: 'dev' | 'held-out') =>
    candidateSuite({
      pipeline: input.pipeline,
      model: input.baseModel,
      metric: input.metric,
      cases: split === 'dev' ? prepared.validation : prepared.test,
      train: prepared.train,
      candidates,
      maxExamples: split === 'dev' ? settings.devExamples : settings.testExamples,
      concurrency: input.concurrency,
      name: `${settings.name}-${split}`,
    });
  const evaluate = (suite: ReturnType<typeof suiteFor>, workflowId: string): Promise<EvalSuiteResult> =>
    executeChild(evalSuiteWorkflow, {
      workflowId,
      args: [{ suite, provider: input.provider, seed: settings.seed, timeouts: input.timeouts }],
    });

  const evaluateCandidate = async (c: PromptCandidate, round: number): Promise<CandidateOutcome> => {
    const r = await evaluate(suiteFor([c], 'dev'), `${searchId}/candidate-${c.key.slice(0, 12)}`);
    const s = r.leaderboard[0]!;
    const cost = s.metrics?.cost_usd;
    return {
      candidate: c,
      score: s.score,
      interval: s.interval,
      n: s.n,
      promptTokens: s.promptTokens,
      completionTokens: s.completionTokens,
      costUsd: cost ?? 0,
      priced: cost !== undefined,
      providerCalls: r.providerCalls,
      results: r.results,
      source: 'evaluated',
      round,
    };
  };

  progress.stage = 'search';
  const queue = input.candidates.filter((c) => !isDone(c));
  const known = new Set([...input.candidates, ...finished.map((f) => f.candidate)].map((c) => c.key));
  let rewrites = finished.filter((f) => f.candidate.origin === 'rewrite').length;
  let stoppedBy: PromptSearchResult['stoppedBy'] = 'exhausted';
  let round = finished.reduce((m, f) => Math.max(m, f.round), 0);
  while (queue.length > 0 && stoppedBy === 'exhausted') {
    const batch: PromptCandidate[] = [];
    while (batch.length < settings.roundSize && queue.length > 0) {
      const stop = budgetStop(settings, finished, batch.length);
      if (stop) {
        stoppedBy = stop;
        break;
      }
      batch.push(queue.shift()!);
    }
    if (batch.length === 0) break;
    round++;
    progress.round = round;
    progress.running = batch.map((c) => c.key.slice(0, 12));
    progress.queued = queue.length;
    const outcomes = await Promise.all(batch.map((c) => evaluateCandidate(c, round)));
    finished.push(...outcomes);
    progress.running = [];
    progress.spentUsd = spentUsd(finished);
    if (settings.rewriter && rewrites < settings.rewriter.rounds && stoppedBy === 'exhausted') {
      rewrites++;
      const best = bestOutcome(finished)!;
      const proposal = await provider.rewritePromptCandidate({
        model: settings.rewriter.model,
        provider: input.provider,
        best: best.candidate,
        results: best.results,
        variantId: candidateVariantId(best.candidate),
        failures: settings.rewriter.failures,
      });
      // Tried next: the rewrite is the search's best guess so far.
      if (proposal.candidate && !known.has(proposal.candidate.key)) {
        known.add(proposal.candidate.key);
        queue.unshift(proposal.candidate);
      }
    }
  }

  progress.stage = 'held-out';
  const winner = bestOutcome(finished)!;
  const held = winner.candidate.key === baseCandidate.key ? [winner.candidate] : [winner.candidate, baseCandidate];
  const test = await evaluate(suiteFor(held, 'held-out'), `${searchId}/held-out-${winner.candidate.key.slice(0, 12)}`);
  const heldScore = (c: PromptCandidate): HeldOutScore => {
    const s = test.leaderboard.find((v) => v.variantId === candidateVariantId(c))!;
    return { key: c.key, score: s.score, interval: s.interval, n: s.n };
  };

  progress.stage = 'report';
  const data = {
    searchId,
    pipeline: input.pipeline,
    model: input.baseModel,
    primaryMetric: test.primaryMetric,
    outcomes: finished,
    baseKey: baseCandidate.key,
    winnerKey: winner.candidate.key,
    stoppedBy,
    spentUsd: spentUsd(finished),
    heldOut: {
      winner: heldScore(winner.candidate),
      ...(held.length > 1 ? { base: heldScore(baseCandidate) } : {}),
      cases: test.cases.count,
    },
    split: {
      dev: 'validation' as const,
      heldOut: 'test' as const,
      devCases: finished.find((f) => f.source === 'evaluated')?.n ?? finished[0]?.n ?? 0,
    },
  };
  const reports = await local.writePromptSearchReport(data);
  progress.stage = 'done';
  return { ...data, reports };
}
