import type { ArtifactRef } from '../artifacts/artifactRef';
import type { DistributionSummary } from './distribution';
import type { EncodingName } from './modelProfile';
import type { TrainingMethod } from './messageChecks';
import type { SplitName } from './splitAssignment';

export interface PrepCounts {
  /** Records read (non-blank lines or CSV rows). */
  input: number;
  kept: number;
  train: number;
  validation: number;
  test: number;
  /** Reason → examples removed: an error category for unusable records, or a dedupe/length reason. */
  removed: Record<string, number>;
  /** PII kind → occurrences replaced. */
  piiScrubbed: Record<string, number>;
}

/** What preparation did and why, stored next to its outputs so any run can be explained later. */
export interface PrepManifest {
  version: 1;
  source: { file: string; sha256: string; bytes: number; format: string; bom: boolean; crlfLines: number };
  model: string;
  method: TrainingMethod;
  encoding: EncodingName;
  exampleTokenLimit: number;
  settings: unknown;
  counts: PrepCounts;
  /** Up to 100 removals with line and reason, in line order. */
  removedSamples: { line: number; reason: string; detail: string }[];
  /** Whether the split was stratified by label, and the label counts per split when it was. */
  stratified: boolean;
  labels: Record<SplitName, Record<string, number>> | null;
  tokens: Record<SplitName, { total: number; perExample: DistributionSummary }>;
  outputs: Record<SplitName, ArtifactRef>;
}
