import type { CostEstimate } from './costEstimate';
import type { DistributionSummary } from './distribution';
import type { ErrorCategory } from './errorCategories';
import type { EncodingName } from './modelProfile';
import type { TrainingMethod } from './messageChecks';

export interface ErrorSample {
  /** 1-based line number; 0 for whole-file problems (empty file, too few examples). */
  line: number;
  category: ErrorCategory;
  message: string;
}

export interface TokenStats {
  /** Tokens in the file (every example, uncapped). */
  total: number;
  /** Tokens billed per epoch: each example capped at the model's limit. */
  billed: number;
  perExample: DistributionSummary;
  assistantPerExample: DistributionSummary;
}

/** The full validation report, stored as a JSON artifact; the activity's summary is a subset of it. */
export interface ValidationReport {
  valid: boolean;
  /** Non-blank lines, each a candidate example. */
  examples: number;
  method: TrainingMethod;
  model: string;
  encoding: EncodingName;
  exampleTokenLimit: number;
  errors: Partial<Record<ErrorCategory, number>>;
  /** Up to 20 per category, in line order. */
  errorSamples: ErrorSample[];
  warnings: string[];
  input: { bytes: number; lines: number; blankLines: number; bom: boolean; crlfLines: number };
  stats: {
    messagesPerExample: DistributionSummary;
    missingSystem: number;
    missingUser: number;
    overTokenLimit: number;
    duplicates: number;
    noTrainedAssistant: number;
  };
  /** Label → examples, when the assistant answers are short labels; null otherwise. */
  labels: Record<string, number> | null;
  tokens: TokenStats;
  estimate: CostEstimate;
}
