import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_INFO, type FailureType } from './failureTypes';

export interface FailureOptions {
  /** @default the table's answer: a type a retry cannot fix is non-retryable */
  nonRetryable?: boolean;
  /** Structured facts for whoever reads the failure (history, `tailor status`, tests). */
  details?: unknown[];
  /** When the server should schedule the next attempt (a provider's retry-after), in milliseconds. */
  nextRetryDelay?: number;
  cause?: Error;
}

/**
 * A typed `ApplicationFailure`: `throw failure(Failure.InvalidSuite, 'suite x has no variants')`. Retryable or not as
 * the table in ./failureTypes.ts says, unless `options.nonRetryable` says otherwise.
 */
export function failure(type: FailureType, message: string, options: FailureOptions = {}): ApplicationFailure {
  return ApplicationFailure.create({
    message,
    type,
    nonRetryable: options.nonRetryable ?? !FAILURE_INFO[type].retryable,
    ...(options.details !== undefined ? { details: options.details } : {}),
    ...(options.nextRetryDelay !== undefined ? { nextRetryDelay: options.nextRetryDelay } : {}),
    ...(options.cause !== undefined ? { cause: options.cause } : {}),
  });
}
