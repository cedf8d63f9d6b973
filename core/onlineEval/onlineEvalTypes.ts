import type { ArtifactRef } from '../artifacts/artifactRef';
import type { Assertion } from '../graders/assertionSpec';
import type { DeployTarget } from '../spec/deploySpec';
import type { ProviderSpec } from '../spec/providerSpec';

/**
 * One online evaluation as its workflow receives it: the suite's graders resolved and checked by the client
 * (reference-free only, ./referenceFree.ts), the window and sample size, and where an alert goes.
 */
export interface OnlineEvalInput {
  /** NAME@ALIAS whose captured gateway traffic is graded. */
  alias: string;
  /** The eval suite the graders come from (its `name`): scores are kept per alias, suite and model. */
  suite: string;
  /** The suite's suite-wide assertions, every one reference-free. */
  assertions: Assertion[];
  graderModels?: Record<string, string>;
  /** Traffic captured in (tick - windowMs, tick] is graded. */
  windowMs: number;
  /** At most this many exchanges per model, a fixed sample seeded by the tick. */
  sample: number;
  /** A model whose mean score is under this fires the alert. */
  threshold: number;
  /** Where a below-threshold event is POSTed, signed. Without one the run is still marked. */
  webhook?: Extract<DeployTarget, { type: 'webhook' }>;
  /** The tick (ms since the epoch); a scheduled run uses its scheduled time, else the workflow's start. */
  tickAt?: number;
  /** Grades in flight per model. @default 4 */
  concurrency?: number;
  provider?: ProviderSpec;
}

/** One model's sampled exchanges, as eval-suite cases with the captured answer as their sample. */
export interface SampledModel {
  model: string;
  cases: ArtifactRef;
  count: number;
}

export interface SampledTraffic {
  /** Captured exchanges of the alias in the window (before sampling). */
  rows: number;
  /** Rows in the window without a stored answer (over the capture's size cap): not gradable. */
  unusable: number;
  models: SampledModel[];
}

/** One model's score for one tick, as recorded. */
export interface ModelScore {
  model: string;
  /** Exchanges graded. */
  n: number;
  /** Exchanges whose grading errored (a judge that failed for that case): left out of the score. */
  errored: number;
  /** Mean case score over the exchanges that did not error, in [0, 1]; null when none could be graded. */
  score: number | null;
  /** Share of exchanges every grader passed. */
  passRate: number | null;
  below: boolean;
  /** When the below-threshold event was delivered (ms), or null. */
  alertedAt: number | null;
}

export type OnlineEvalOutcome = 'ok' | 'below-threshold' | 'no-traffic';

export interface OnlineEvalResult {
  alias: string;
  suite: string;
  tickAt: number;
  windowMs: number;
  threshold: number;
  outcome: OnlineEvalOutcome;
  rows: number;
  unusable: number;
  scores: ModelScore[];
  /** Models whose below-threshold event this run delivered, and those an earlier run of the tick had. */
  alerts: { model: string; delivered: 'now' | 'earlier' | 'no-webhook' }[];
}

/** The body of the webhook's `online-eval.below-threshold` event. */
export interface BelowThresholdEvent {
  type: 'online-eval.below-threshold';
  alias: string;
  suite: string;
  model: string;
  score: number;
  threshold: number;
  n: number;
  tickAt: string;
  windowMs: number;
  runId: string;
}
