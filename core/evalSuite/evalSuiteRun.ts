import type { ProviderSpec } from '../spec/providerSpec';
import type { ArtifactRef } from '../artifacts/artifactRef';
import type { VariantScore } from './evaluationTypes';
import type { Comparison, GateRuleDecision } from '../stats/gateRules';
import type { ResolvedEvalSuite } from './evalSuiteTypes';
import type { VariantMetrics } from './variantMetrics';

/**
 * What `evalSuiteWorkflow` takes: a resolved suite (config/evalSuiteSpec.ts `loadEvalSuite`, or built by a pipeline).
 */
export interface EvalSuiteInput {
  suite: ResolvedEvalSuite;
  provider?: ProviderSpec;
  /** Seed of the bootstrap resampling. @default the suite name */
  seed?: string;
  /** A pipeline spec's `timeouts:` (core/activityOptions/activityTimeouts.ts). @default the table */
  timeouts?: import('../activityOptions/activityTimeouts').ActivityTimeoutOverrides;
}

export interface EvalSuiteResult {
  suite: string;
  primaryMetric: string;
  candidate: string;
  /** The variant the others were compared with, when the suite names one that was scored. */
  baseline?: string;
  /** Best primary metric first; the pipeline's leaderboard type, with `metrics` and `promptVersion` filled. */
  leaderboard: VariantScore[];
  variants: VariantMetrics[];
  comparisons: Comparison[];
  /** The gate's decision with every rule's inputs and numbers (passes trivially without rules). */
  gate: GateRuleDecision;
  /** The gate's decision for each of the suite's `gateCandidates`, when it names any. */
  gates?: Record<string, GateRuleDecision>;
  /** False when the gate failed: `tailor eval` exits 1. */
  passed: boolean;
  cases: { ref: ArtifactRef; count: number };
  /** Every variant's case results (CaseResult JSONL). */
  results: ArtifactRef;
  reports: { html: ArtifactRef; markdown: ArtifactRef; json: ArtifactRef };
  fewShot: Record<string, { poolSize: number; excluded: number; meanExamples: number; meanTokens: number }>;
  /** Answers requested from the provider in the attempts that finished, and answers served from the cache. */
  providerCalls: number;
  cacheHits: number;
}

export interface EvalProgress {
  stage: 'cases' | 'variants' | 'scoring' | 'summary' | 'report' | 'done';
  shardsDone: number;
  shardsTotal: number;
  casesDone: number;
  casesTotal: number;
  /** Per variant, in the suite's order: cases in finished shards (runs started before this field have none). */
  variants?: { id: string; casesDone: number; casesTotal: number }[];
}
