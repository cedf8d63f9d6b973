import type { DatasetSpec } from '../spec/datasetSpec';
import type { ProviderSpec } from '../spec/providerSpec';
import type { ArtifactRef } from '../artifacts/artifactRef';
import type { Metric } from '../eval/score';
import type { LoadedTemplate } from '../evalSuite/evalSuiteTypes';
import type { FewShotSpec } from '../fewshot/fewShotSpec';
import type { ActivityTimeoutOverrides } from '../activityOptions/activityTimeouts';

/** One prompt the search may evaluate: a template (with its content-hash version) plus an optional few-shot setting. */
export interface PromptCandidate {
  /** sha256 of the template version and the few-shot setting (the template's version when zero-shot). */
  key: string;
  origin: 'base' | 'combination' | 'rewrite';
  /** The part alternatives chosen, for the report ("instructions #2, fewShot k=3 random"). */
  parts: Record<string, string>;
  prompt: LoadedTemplate;
  fewShot?: FewShotSpec;
}

/** A candidate scored on the development split. */
export interface CandidateOutcome {
  candidate: PromptCandidate;
  score: number;
  interval: { low: number; high: number };
  n: number;
  promptTokens: number;
  completionTokens: number;
  /** List-price cost of its answers (0 when the model is unpriced; `priced` says which). */
  costUsd: number;
  priced: boolean;
  /** Answers requested from the provider for it in this run (0 when resumed or cached). */
  providerCalls: number;
  /** Per-case results (CaseResult JSONL) the rewriter reads the failures from. */
  results: ArtifactRef;
  /** `resumed`: carried over from an earlier run of the same search, not evaluated again. */
  source: 'evaluated' | 'resumed';
  round: number;
}

export interface SearchSettings {
  name: string;
  seed: string;
  roundSize: number;
  budget: { candidates: number; usd?: number };
  devExamples?: number;
  testExamples?: number;
  rewriter?: { model: string; rounds: number; failures: number };
}

export interface PromptSearchInput {
  pipeline: string;
  baseModel: string;
  /** The pipeline's `dataset:` with its path absolute: prepared exactly as a pipeline run would. */
  dataset: DatasetSpec;
  metric: Metric;
  concurrency?: number;
  provider?: ProviderSpec;
  timeouts?: ActivityTimeoutOverrides;
  settings: SearchSettings;
  /** The starting prompt first, then the combinations in the order to try them. */
  candidates: PromptCandidate[];
  /** Outcomes of an earlier run of the same search (cancelled or reset): never evaluated again. */
  resume?: CandidateOutcome[];
}

export interface HeldOutScore {
  key: string;
  score: number;
  interval: { low: number; high: number };
  n: number;
}

export interface PromptSearchResult {
  searchId: string;
  pipeline: string;
  model: string;
  primaryMetric: string;
  /** Every candidate scored, in the order they finished (resumed ones first). */
  outcomes: CandidateOutcome[];
  baseKey: string;
  winnerKey: string;
  /** Dev counts: how many the budget let through and why it stopped. */
  stoppedBy: 'exhausted' | 'candidates' | 'usd';
  spentUsd: number;
  /** The winner and the starting prompt scored once on the held-out test split, never used to choose. */
  heldOut: { winner: HeldOutScore; base?: HeldOutScore; cases: number };
  split: { dev: 'validation'; heldOut: 'test'; devCases: number };
  reports: { markdown: ArtifactRef; json: ArtifactRef };
}

export interface PromptSearchProgress {
  stage: 'prepare' | 'search' | 'held-out' | 'report' | 'done';
  round: number;
  running: string[];
  finished: CandidateOutcome[];
  queued: number;
  spentUsd: number;
}
