/**
 * Every `ApplicationFailure` type Tailor throws or matches, in one table: what it means, whether Temporal may retry
 * it, and the exit code the CLI gives a user when a command fails with it (1 when no code is named). Activities,
 * workflows, the CLI and tests name a type through `Failure.X`, never as bare text. The Python trainer raises the
 * `trainer` ones with the same names (workers/trainer/tailor_trainer). Pure and workflow-safe: no imports.
 */
export interface FailureInfo {
  /** What went wrong, in one line. */
  meaning: string;
  /** Whether a retry can help; a non-retryable type ends the activity (and usually the run) at once. */
  retryable: boolean;
  /** The CLI's exit code for a command that fails with this type: 2 means "your input is wrong", like a bad file. */
  exitCode?: 2;
  /** Raised by the Python trainer worker rather than by TypeScript. */
  trainer?: true;
}

export const FAILURE_INFO = {
  // Input a user gave: retrying cannot help.
  InvalidDataset: {
    meaning: 'the training data is unusable (bad lines, too few examples, over a limit)',
    retryable: false,
  },
  DatasetChanged: { meaning: "the source's bytes are not those the run is named after", retryable: false },
  ArtifactNotFound: { meaning: 'a dataset artifact the run refers to is not in the artifact store', retryable: false },
  ArtifactMissing: { meaning: 'self-hosted training data is not in the artifact store', retryable: false },
  PathNotAllowed: { meaning: 'a file path lies outside the roots the worker may read', retryable: false },
  InvalidDocuments: { meaning: 'a document to index cannot be read or chunked', retryable: false, exitCode: 2 },
  InvalidSuite: {
    meaning: 'an eval suite is wrong (no variants, a prompt that cannot render, no index)',
    retryable: false,
    exitCode: 2,
  },
  InvalidEvalCases: { meaning: "an eval suite's cases cannot be read or are empty", retryable: false, exitCode: 2 },
  InvalidFewShotPool: {
    meaning: 'the few-shot pool cannot be read or has no usable example',
    retryable: false,
    exitCode: 2,
  },
  FewShotLeakError: { meaning: 'few-shot selection picked an evaluation case as an example', retryable: false },
  RangeError: { meaning: 'a fixed few-shot example is not in the pool', retryable: false },
  UnsupportedMethod: { meaning: 'the fine-tuning method is not supported by the chosen provider', retryable: false },
  NothingToRollBack: { meaning: 'the alias has no earlier model to roll back to', retryable: false },
  // The artifact store (stores/artifacts): an S3 bucket's answers.
  ArtifactStoreAccessDenied: { meaning: "the store refused the worker's credentials", retryable: false },
  ArtifactStoreMisconfigured: { meaning: 'the bucket does not exist or its name or region is wrong', retryable: false },
  ArtifactStoreUnavailable: { meaning: 'the store cannot be reached or is overloaded', retryable: true },
  ArtifactStoreError: { meaning: 'any other store error, or a file that changed while it was stored', retryable: true },
  ArtifactCorrupted: { meaning: "an artifact's bytes do not hash to its sha256 (a damaged object)", retryable: false },
  // The registry on PostgreSQL (stores/registry/postgresRegistry.ts).
  RegistryAccessDenied: { meaning: 'the database refused the credentials in TAILOR_REGISTRY', retryable: false },
  RegistryMisconfigured: { meaning: 'the database named in TAILOR_REGISTRY does not exist', retryable: false },
  RegistryUnavailable: { meaning: 'the database cannot be reached, is starting or is full', retryable: true },
  // Money and gates.
  BudgetExceeded: { meaning: "the estimated or spent cost is over the spec's budget", retryable: false },
  PreflightFailed: {
    meaning: 'the provider lacks the base model or the alias target; nothing was trained',
    retryable: false,
  },
  FineTuneJobFailed: { meaning: "the provider's fine-tuning job ended failed or cancelled", retryable: false },
  PipelineFailed: {
    meaning: "a scheduled run's child pipeline failed with no typed failure of its own",
    retryable: false,
  },
  // The provider (providers/openai/errors.ts); its HTTP statuses are `Provider<status>`, see providerFailureType.
  ProviderNotConfigured: {
    meaning: 'no API key or base URL for the provider in the worker environment',
    retryable: false,
  },
  ProviderConnectionError: { meaning: 'the provider cannot be reached', retryable: true },
  ProviderQuotaExceeded: {
    meaning: "a 429 for the account's quota or billing, which waiting does not cure",
    retryable: false,
  },
  TrainingNotAvailable: {
    meaning: 'the provider no longer accepts fine-tuning jobs for this account',
    retryable: false,
  },
  ProviderFileError: { meaning: 'the provider rejected an uploaded training file', retryable: false },
  ProviderError: { meaning: 'the provider answered an error without an HTTP status', retryable: true },
  Provider400: { meaning: 'the provider rejected the request as malformed', retryable: false },
  Provider404: { meaning: 'the provider has no such object (file, job, model)', retryable: false },
  Provider422: { meaning: 'the provider could not process the request', retryable: false },
  Provider429: { meaning: "the provider's rate limit: retried after its retry-after", retryable: true },
  // Self-hosted serving and webhooks.
  AdapterNotLoaded: { meaning: 'the serving server refused to load the trained adapter', retryable: false },
  ServingUnavailable: { meaning: 'the serving server did not answer the adapter load', retryable: true },
  WebhookNotConfigured: {
    meaning: 'the webhook signing secret is not set in the worker environment',
    retryable: false,
  },
  WebhookUnreachable: { meaning: 'the webhook receiver cannot be reached', retryable: true },
  // The Python trainer worker.
  InvalidTrainingRequest: { meaning: 'the training request is malformed', retryable: false, trainer: true },
  TrainerShutdown: {
    meaning: 'the trainer worker shut down mid-run; a retry resumes from the checkpoint',
    retryable: true,
    trainer: true,
  },
  UnknownBaseModel: { meaning: "the base model is not in the trainer's catalogue", retryable: false, trainer: true },
  BaseModelMissing: { meaning: "the base model's package or file is not installed", retryable: false, trainer: true },
  BaseModelCorrupted: { meaning: "the base model's files are damaged", retryable: false, trainer: true },
  BaseModelNotPrepared: {
    meaning: 'the base model has not been prepared for training',
    retryable: false,
    trainer: true,
  },
} as const satisfies Record<string, FailureInfo>;

export type FailureType = keyof typeof FAILURE_INFO;

function namesOf<T extends Record<string, unknown>>(table: T): { readonly [K in keyof T & string]: K } {
  return Object.fromEntries(Object.keys(table).map((k) => [k, k])) as { readonly [K in keyof T & string]: K };
}

/** The failure types by name: `Failure.BudgetExceeded === 'BudgetExceeded'`. */
export const Failure = namesOf(FAILURE_INFO);

/** `Provider<status>` for an HTTP error from the provider (`ProviderError` when there is no status). */
export type ProviderFailureType = `Provider${number}` | typeof Failure.ProviderError;
export function providerFailureType(status: number): ProviderFailureType {
  return status ? `Provider${status}` : Failure.ProviderError;
}

/** `Webhook<status>` for a webhook receiver's error answer. */
export function webhookFailureType(status: number): `Webhook${number}` {
  return `Webhook${status}`;
}

/** Is this string one of the table's types? */
export function isFailureType(type: string | undefined): type is FailureType {
  return type !== undefined && Object.hasOwn(FAILURE_INFO, type);
}

/** The CLI's exit code for a command that failed with this type (1 unless the table names another). */
export function exitCodeFor(type: string | undefined): number {
  return isFailureType(type) ? ((FAILURE_INFO[type] as FailureInfo).exitCode ?? 1) : 1;
}
