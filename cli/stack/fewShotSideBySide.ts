import type { Client } from '@temporalio/client';
import type { PipelineSpec } from '../../core/pipeline/pipelineSpec';
import { pipelineEvalSuite } from '../../core/evalSuite/pipelineSuite';
import type { EvalSuiteResult } from '../../core/evalSuite/evalSuiteRun';
import type { PipelineResult } from '../../core/pipeline/pipelineTypes';
import { TASK_QUEUE } from '../../workers/taskQueue';
import { evalSuiteWorkflow } from '../../workflows/evalSuiteWorkflow';

/**
 * After a run whose few-shot variant picks by similarity, scores the seeded random draw next to it on the same
 * held-out cases and pool (the run's prepared splits), through the same eval workflow: the comparison a pipeline's
 * single `baselines.fewShot` cannot make in one run. Returns undefined when the spec's few-shot is not `similar`.
 */
export async function fewShotSideBySide(
  client: Client,
  spec: PipelineSpec,
  result: PipelineResult,
): Promise<EvalSuiteResult | undefined> {
  const fs = spec.baselines.fewShot;
  if (!fs || fs.strategy?.type !== 'similar') return undefined;
  const pool = result.prepared.train;
  const variant = (type: 'random' | 'similar') => ({
    id: `base-few-shot-${fs.k}-${type}`,
    label: `base, ${fs.k}-shot ${type}`,
    model: spec.baseModel,
    mode: { type: 'few-shot' as const, k: fs.k, seed: fs.seed, pool },
  });
  const similar = pipelineEvalSuite({
    pipeline: spec.name,
    test: result.prepared.test,
    variants: [variant('similar')],
    metric: spec.evaluation.metric,
    fewShotStrategy: fs.strategy,
  });
  const random = pipelineEvalSuite({
    pipeline: spec.name,
    test: result.prepared.test,
    variants: [variant('random')],
    metric: spec.evaluation.metric,
  });
  const suite = {
    ...random,
    name: `${spec.name}-few-shot-strategies`,
    variants: [...random.variants, ...similar.variants],
    baseline: random.variants[0]!.id,
    candidate: similar.variants[0]!.id,
    execution: { ...random.execution, concurrency: spec.evaluation.concurrency },
  };
  return client.workflow.execute(evalSuiteWorkflow, {
    workflowId: `${result.runId}/few-shot-strategies`,
    taskQueue: TASK_QUEUE,
    args: [
      { suite, provider: spec.provider, seed: result.runId, ...(spec.timeouts ? { timeouts: spec.timeouts } : {}) },
    ],
  });
}

/** One line per variant: score, 95% interval and counts, for the journey's summary. */
export function scoreLines(
  leaderboard: readonly {
    label: string;
    score: number;
    correct: number;
    n: number;
    interval: { low: number; high: number };
  }[],
): string[] {
  const width = Math.max(...leaderboard.map((s) => s.label.length));
  return leaderboard.map(
    (s) =>
      `${s.label.padEnd(width)}  ${s.score.toFixed(3)}  [${s.interval.low.toFixed(3)}, ` +
      `${s.interval.high.toFixed(3)}]  ${s.correct}/${s.n}`,
  );
}
