import { ApplicationFailure } from '@temporalio/common';
import { mergePricing, trainingPriceFor, type PricingTable } from '../../config/pricing';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { DatasetLimitError, type DatasetLimits } from '../../core/dataset/datasetLimits';
import type { TrainingMethod } from '../../core/dataset/messageChecks';
import type { ValidationReport } from '../../core/dataset/validationReport';
import { contentFreeMessage } from '../../core/dataset/contentFreeSample';
import { artifactStore } from '../../stores/processStores';
import { invalidDataset } from './invalidDataset';
import { activityHeartbeat } from './progress';
import { validateFile } from './validateFile';
import { Failure } from '../../core/failures/failureTypes';

export interface ValidateDatasetInput {
  dataset: ArtifactRef;
  model: string;
  method: TrainingMethod;
  /** Epochs the spec sets; OpenAI's default rule when absent. */
  epochs?: number;
  /** Entries laid over the default training-price table (config/pricing.ts). */
  pricing?: PricingTable;
  /** The spec's `dataset.limits`; the defaults (core/dataset/datasetLimits.ts) otherwise. */
  limits?: Partial<DatasetLimits>;
}

/** What workflow history carries: the verdict and headline figures; the full report is an artifact. */
export interface ValidationSummary {
  valid: boolean;
  examples: number;
  errors: Record<string, number>;
  /** At most 20: the first of each category, then the earliest lines. */
  errorSamples: { line: number; category: string; message: string }[];
  warnings: string[];
  tokens: ValidationReport['tokens'];
  estimate: { epochs: number; billedTokens: number; usd: number; pricePerMillion: number; model: string };
  report: ArtifactRef;
}

const SUMMARY_SAMPLES = 20;
const SUMMARY_WARNINGS = 20;

/**
 * Validates a dataset artifact for a model and method. Returns `valid: false` (never throws) for bad content, so
 * the workflow decides and attaches the report; throws when the artifact is missing or over a `dataset.limits` size
 * limit. Idempotent: the report depends only on the artifact, the inputs and the calendar day (shutdown warnings).
 */
export async function validateDataset(input: ValidateDatasetInput): Promise<ValidationSummary> {
  const store = artifactStore();
  if (!(await store.has(input.dataset))) {
    throw ApplicationFailure.nonRetryable(
      `dataset artifact ${input.dataset.uri} is not in the artifact store at ${store.location}`,
      Failure.ArtifactNotFound,
    );
  }
  const file = await store.localPath(input.dataset);
  let report: ValidationReport;
  try {
    report = await validateFileWithPricing(file, {
      model: input.model,
      method: input.method,
      epochs: input.epochs,
      pricing: input.pricing,
      ...input.limits,
      displayName: input.dataset.name ?? input.dataset.uri,
    });
  } catch (err) {
    if (err instanceof DatasetLimitError) throw invalidDataset(err.message);
    throw err;
  }
  const ref = await store.put(JSON.stringify(report, null, 2) + '\n', { name: 'validation-report.json' });
  return summarize(report, ref);
}

/** Shared by the activity and `tailor validate`: prices from the merged table, today's date for shutdown warnings. */
export async function validateFileWithPricing(
  file: string,
  input: {
    model: string;
    method: TrainingMethod;
    epochs?: number;
    pricing?: PricingTable;
    displayName?: string;
  } & Partial<DatasetLimits>,
): Promise<ValidationReport> {
  const price = trainingPriceFor(input.model, mergePricing(input.pricing))?.price;
  const heartbeat = activityHeartbeat();
  return validateFile(file, {
    method: input.method,
    model: input.model,
    epochs: input.epochs,
    price,
    maxLineBytes: input.maxLineBytes,
    limits: { maxFileBytes: input.maxFileBytes, maxExamples: input.maxExamples },
    displayName: input.displayName,
    today: new Date().toISOString().slice(0, 10),
    onProgress: (bytes) => heartbeat({ bytesRead: bytes }),
  });
}

export function summarize(report: ValidationReport, ref: ArtifactRef): ValidationSummary {
  return {
    valid: report.valid,
    examples: report.examples,
    errors: report.errors as Record<string, number>,
    errorSamples: pickSamples(report.errorSamples),
    warnings: report.warnings.slice(0, SUMMARY_WARNINGS),
    tokens: report.tokens,
    estimate: {
      epochs: report.estimate.epochs,
      billedTokens: report.estimate.billedTokens,
      usd: report.estimate.usd,
      pricePerMillion: report.estimate.pricePerMillion,
      model: report.estimate.model,
    },
    report: ref,
  };
}

/** The first sample of every category (so none hides behind a noisy one), then the earliest lines, in line order. */
function pickSamples(all: ValidationReport['errorSamples']): ValidationSummary['errorSamples'] {
  const chosen = new Set<(typeof all)[number]>();
  const seen = new Set<string>();
  for (const s of all) {
    if (chosen.size >= SUMMARY_SAMPLES) break;
    if (!seen.has(s.category)) {
      seen.add(s.category);
      chosen.add(s);
    }
  }
  for (const s of all) {
    if (chosen.size >= SUMMARY_SAMPLES) break;
    chosen.add(s);
  }
  // The summary enters history: a line's message could quote it, so it stays in the report artifact (line 0 is the
  // file as a whole: counts, not content).
  const free = ({ line, category, message }: (typeof all)[number]) => ({
    line,
    category,
    message: line > 0 ? contentFreeMessage(category, message) : message,
  });
  return [...chosen].sort((a, b) => a.line - b.line).map(free);
}
