import { ApplicationFailure, rootCause, TemporalFailure } from '@temporalio/common';

/** Why a run (or a workflow a command waited on) failed: the root cause's message and its failure type. */
export interface FailureCause {
  message: string;
  /** The innermost ApplicationFailure's type (e.g. `InvalidSuite`), when there is one. */
  type?: string;
}

/**
 * The root cause of a failure, the one way Tailor reads it: every command prints it (`tailor run --wait`, `status`,
 * `demo`, `eval`, `rollback` …) and the pipeline's step table records it: not "Activity task failed" but the
 * provider's or the gate's own message, through the SDK's `rootCause`. A client error such as WorkflowFailedError is
 * not itself a Temporal failure; its `cause` is where the chain starts. Workflow-safe: no I/O.
 */
export function failureCause(err: unknown): FailureCause {
  const wrapped = !(err instanceof TemporalFailure) && err instanceof Error && err.cause instanceof TemporalFailure;
  const start = wrapped ? err.cause : err;
  let inner: unknown = start;
  while (inner instanceof TemporalFailure && inner.cause) inner = inner.cause;
  const type = inner instanceof ApplicationFailure ? (inner.type ?? undefined) : undefined;
  return { message: rootCause(start) ?? String(err), ...(type ? { type } : {}) };
}
