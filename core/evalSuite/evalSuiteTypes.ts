import type { ArtifactRef } from '../artifacts/artifactRef';
import type { FewShotSpec } from '../fewshot/fewShotSpec';
import type { Assertion } from '../graders/assertionSpec';
import type { PromptTemplate } from '../prompts/promptTemplate';
import type { GateRule } from '../stats/gateRules';

/**
 * The eval suite as the workflow receives it: validated, paths resolved, prompt templates loaded and versioned.
 * Small by construction (cases travel as a file path or an artifact ref), so it can sit in workflow history.
 */
export type CaseSource =
  /** A JSONL file on the workers' disk: chat rows, `{vars, expected, assert}` rows, or OpenAI `{item, sample}` rows. */
  | { type: 'file'; path: string }
  /** A stored artifact (a prepared dataset split). */
  | { type: 'artifact'; ref: ArtifactRef }
  /** A dataset split the pipeline binds to an artifact before running (`tailor eval` cannot run these). */
  | { type: 'split'; split: 'train' | 'validation' | 'test' };

export interface CaseSelection {
  /** Use the first N cases. */
  limit?: number;
  /** Or a seeded random subset of N cases (file order kept). */
  sample?: { n: number; seed: string };
}

export interface SamplingSettings {
  /** @default 0 */
  temperature: number;
  /** @default 0 */
  seed: number;
  /** @default 256 */
  maxCompletionTokens: number;
}

export const DEFAULT_SAMPLING: SamplingSettings = { temperature: 0, seed: 0, maxCompletionTokens: 256 };

export interface LoadedTemplate {
  name: string;
  version: string;
  template: PromptTemplate;
}

/** A retrieval-augmented variant: each case's question answered with passages retrieved from an index. */
export interface RagSettings {
  /** The index directory (absolute, as the worker sees it). */
  index: string;
  /** Documents to build or refresh the index from before scoring (incremental: only new or changed chunks embed). */
  docs?: string;
  /** Passages per question. */
  k: number;
  /** Fuse BM25 with the dense ranking (reciprocal rank fusion). */
  hybrid?: boolean;
  /** MMR's relevance/diversity trade-off (1 = relevance only); unset = no MMR. */
  mmrLambda?: number;
  /** Most tokens the passages may take in the prompt. */
  budgetTokens?: number;
  /** The embedding model when the index is built here. @default text-embedding-3-small */
  embeddingModel?: string;
}

export interface EvalVariant {
  id: string;
  label: string;
  model: string;
  /** Renders each case through a template; without one the case's own messages are sent. */
  prompt?: LoadedTemplate;
  fewShot?: { spec: FewShotSpec; pool: CaseSource };
  rag?: RagSettings;
  sampling: SamplingSettings;
}

/** List prices per 1M tokens, USD. */
export interface TokenPrice {
  input: number;
  output: number;
}

export interface ExecutionSettings {
  /** Cases per shard activity. @default 100 */
  shardSize: number;
  /** Requests in flight per shard. @default 8 */
  concurrency: number;
  /** Shard activities running at once per variant. @default 4 */
  shardsInFlight: number;
  /** How fast a lost worker is noticed. @default '30 seconds' */
  heartbeatTimeout: string;
}

export const DEFAULT_EXECUTION: ExecutionSettings = {
  shardSize: 100,
  concurrency: 8,
  shardsInFlight: 4,
  heartbeatTimeout: '30 seconds',
};

export interface ResolvedEvalSuite {
  name: string;
  description?: string;
  /** The suite file, for reports. */
  file?: string;
  cases: CaseSource & CaseSelection;
  variants: EvalVariant[];
  /** The variant the gate judges. @default the first variant */
  candidate?: string;
  /** More variants the gate judges too (each decision in the result's `gates`), e.g. every cheaper variant. */
  gateCandidates?: string[];
  /** The variant every other is compared with (paired bootstrap, McNemar). */
  baseline?: string;
  /** Suite-wide assertions (cases may add their own). */
  assertions: Assertion[];
  primaryMetric: string;
  gate: GateRule[];
  /** Names gate rules may use for baselines, with fallbacks: `{prod: ['production', 'base-zero-shot']}`. */
  aliases?: Record<string, string[]>;
  pricing?: Record<string, TokenPrice>;
  /** Retired grader model names → models that still serve. */
  graderModels?: Record<string, string>;
  execution: ExecutionSettings;
}
