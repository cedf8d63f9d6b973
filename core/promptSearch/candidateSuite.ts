import type { ArtifactRef } from '../artifacts/artifactRef';
import type { Metric } from '../eval/score';
import type { ResolvedEvalSuite } from '../evalSuite/evalSuiteTypes';
import { pipelineEvalSuite } from '../evalSuite/pipelineSuite';
import type { PromptCandidate } from './searchTypes';

/** The variant ID a candidate is scored under: its key, short. */
export function candidateVariantId(c: PromptCandidate): string {
  return `c-${c.key.slice(0, 12)}`;
}

export interface CandidateSuiteInput {
  pipeline: string;
  model: string;
  metric: Metric;
  /** The cases: the validation split while searching, the test split for the winner alone. */
  cases: ArtifactRef;
  /** The few-shot pool (the train split: disjoint from both). */
  train: ArtifactRef;
  candidates: PromptCandidate[];
  maxExamples?: number;
  concurrency?: number;
  name: string;
}

/**
 * The eval suite that scores candidates: the pipeline's suite (same assertions, metric and execution) on the split
 * given, with each candidate as a variant rendering cases through its template and, when it has one, its few-shot
 * setting over the train split. Pure and workflow-safe.
 */
export function candidateSuite(input: CandidateSuiteInput): ResolvedEvalSuite {
  const suite = pipelineEvalSuite({
    pipeline: input.pipeline,
    test: input.cases,
    variants: input.candidates.map((c) => ({
      id: candidateVariantId(c),
      label: c.key.slice(0, 12),
      model: input.model,
      mode: { type: 'zero-shot' },
      prompt: c.prompt,
    })),
    metric: input.metric,
    maxExamples: input.maxExamples,
    ...(input.concurrency ? { execution: { concurrency: input.concurrency } } : {}),
  });
  return {
    ...suite,
    name: input.name,
    variants: suite.variants.map((v, i) => {
      const few = input.candidates[i]!.fewShot;
      return few ? { ...v, fewShot: { spec: few, pool: { type: 'artifact', ref: input.train } } } : v;
    }),
  };
}
