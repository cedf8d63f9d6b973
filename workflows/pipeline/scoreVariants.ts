import { executeChild } from '@temporalio/workflow';
import type { EvalSuiteResult } from '../../core/evalSuite/evalSuiteRun';
import { pipelineEvalSuite } from '../../core/evalSuite/pipelineSuite';
import type { Variant } from '../../core/evalSuite/evaluationTypes';
import { evalSuiteWorkflow } from '../evalSuiteWorkflow';
import type { PipelineRun, RunData } from './pipelineRun';

/** Which variants the gate judges: `candidate`, and under `fineTune.when: needed` every cheaper one. */
export interface Judged {
  candidate: string;
  gateCandidates?: string[];
}

/**
 * Scores variants on the test split in a child eval suite named `${runId}/${name}`: the one eval engine of
 * pipelines and `tailor eval` (sharded, cached per case, compared with statistics). Production is the baseline
 * when it is scored, else the base model zero-shot.
 */
export function scoreVariants(
  run: PipelineRun,
  data: RunData,
  name: string,
  variants: Variant[],
  judged: Judged,
): Promise<EvalSuiteResult> {
  const { spec, runId } = run;
  const suite = pipelineEvalSuite({
    pipeline: spec.name,
    test: data.prepared.test,
    variants,
    metric: spec.evaluation.metric,
    gate: spec.gate.rules,
    ...judged,
    baseline: variants.some((v) => v.id === 'production') ? 'production' : 'base-zero-shot',
    fewShotStrategy: spec.baselines.fewShot?.strategy,
    maxExamples: spec.evaluation.maxExamples,
    execution: { concurrency: spec.evaluation.concurrency },
  });
  return executeChild(evalSuiteWorkflow, {
    workflowId: `${runId}/${name}`,
    args: [{ suite, provider: spec.provider, seed: runId, timeouts: spec.timeouts }],
  });
}
