import type { ArtifactRef } from '../artifacts/artifactRef';
import type { Metric } from '../eval/score';
import type { Assertion } from '../graders/assertionSpec';
import type { Variant } from './evaluationTypes';
import type { GateRule } from '../stats/gateRules';
import {
  DEFAULT_EXECUTION,
  DEFAULT_SAMPLING,
  type EvalVariant,
  type ExecutionSettings,
  type LoadedTemplate,
  type ResolvedEvalSuite,
} from './evalSuiteTypes';

/**
 * The eval suite a pipeline run scores its variants with: the prepared test split as cases, the pipeline's
 * variants (zero-shot, few-shot from the train split, fine-tuned, production), its metric as assertions, and its
 * gate rules. Pure, so `customizationPipeline` can build it in workflow code and start `evalSuiteWorkflow` as a child.
 */
export interface PipelineSuiteInput {
  pipeline: string;
  test: ArtifactRef;
  variants: Variant[];
  metric: Metric;
  /** Rules over the candidate's metrics; `better_than: prod` falls back to the base zero-shot variant. */
  gate?: GateRule[];
  candidate?: string;
  /** More variants the gate judges (`fineTune.when: needed` judges every cheaper one). */
  gateCandidates?: string[];
  baseline?: string;
  /** A prompt template for every variant (else each case's own messages). */
  prompt?: LoadedTemplate;
  /** Few-shot variants pick by this strategy instead of the seeded random draw the pipeline names. */
  fewShotStrategy?: NonNullable<EvalVariant['fewShot']>['spec']['strategy'];
  maxExamples?: number;
  execution?: Partial<ExecutionSettings>;
}

export function fromPipelineVariant(
  v: Variant,
  prompt?: LoadedTemplate,
  strategy?: PipelineSuiteInput['fewShotStrategy'],
): EvalVariant {
  const template = v.prompt ?? prompt;
  const base: EvalVariant = {
    id: v.id,
    label: v.label,
    model: v.model,
    sampling: { ...DEFAULT_SAMPLING, maxCompletionTokens: 64 },
    ...(template ? { prompt: template } : {}),
    ...(v.rag ? { rag: v.rag } : {}),
  };
  if (v.mode.type === 'zero-shot') return base;
  return {
    ...base,
    fewShot: {
      spec: { k: v.mode.k, strategy: strategy ?? { type: 'random', seed: v.mode.seed } },
      pool: { type: 'artifact', ref: v.mode.pool },
    },
  };
}

export function pipelineEvalSuite(input: PipelineSuiteInput): ResolvedEvalSuite {
  // Labels are what the pipeline's tasks answer with: a classification assertion gives accuracy, macro-F1 and the
  // confusion matrix on top of the pass rate; `contains` stays a plain check.
  const assertions: Assertion[] =
    input.metric === 'exact_match'
      ? [{ type: 'classification', expected: '{{item.expected}}' }]
      : [{ type: 'contains', value: '{{item.expected}}', caseSensitive: false }];
  const ids = input.variants.map((v) => v.id);
  return {
    name: `${input.pipeline}-evaluation`,
    cases: { type: 'artifact', ref: input.test, ...(input.maxExamples ? { limit: input.maxExamples } : {}) },
    variants: input.variants.map((v) => fromPipelineVariant(v, input.prompt, input.fewShotStrategy)),
    ...(input.candidate ? { candidate: input.candidate } : {}),
    ...(input.gateCandidates?.length ? { gateCandidates: input.gateCandidates } : {}),
    ...(input.baseline
      ? { baseline: input.baseline }
      : ids.includes('base-zero-shot')
        ? { baseline: 'base-zero-shot' }
        : {}),
    assertions,
    primaryMetric: input.metric === 'exact_match' ? 'accuracy' : 'pass_rate',
    gate: input.gate ?? [],
    aliases: { prod: ['production', 'base-zero-shot'], base: ['base-zero-shot'] },
    execution: { ...DEFAULT_EXECUTION, ...input.execution },
  };
}
