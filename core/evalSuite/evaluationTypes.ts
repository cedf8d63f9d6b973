import type { ArtifactRef } from '../artifacts/artifactRef';
import type { LoadedTemplate, RagSettings } from './evalSuiteTypes';
import type { Metric } from '../eval/score';
import type { ProviderSpec } from '../spec/providerSpec';

/** One thing the leaderboard scores: a model plus the way it is prompted. */
export interface Variant {
  id: string;
  label: string;
  model: string;
  mode: { type: 'zero-shot' } | { type: 'few-shot'; k: number; seed: string; pool: ArtifactRef };
  /** A prompt template this variant renders every case through (a `baselines.prompts` variant). */
  prompt?: LoadedTemplate;
  /** Retrieval for every case (the `baselines.rag` variant). */
  rag?: RagSettings;
}

export interface EvaluateVariantInput {
  variant: Variant;
  test: ArtifactRef;
  metric: Metric;
  concurrency: number;
  maxExamples?: number;
  provider?: ProviderSpec;
}

export interface VariantScore {
  variantId: string;
  label: string;
  model: string;
  score: number;
  correct: number;
  n: number;
  interval: { low: number; high: number };
  promptTokens: number;
  completionTokens: number;
  /** Per-example outputs (JSONL) for reports and re-scoring. */
  outputs: ArtifactRef;
  /** Every metric the eval engine computed (evalSuiteWorkflow): pass_rate, accuracy, macro_f1, latency, cost… */
  metrics?: Record<string, number>;
  /** The prompt version (template + few-shot) this variant was scored with. */
  promptVersion?: string;
}
