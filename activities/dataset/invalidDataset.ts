import { ApplicationFailure } from '@temporalio/common';

/** The failure type a workflow (and a user searching history) sees when the data itself is wrong: retrying cannot help. */
export const INVALID_DATASET = 'InvalidDataset';

export function invalidDataset(message: string, ...details: unknown[]): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, INVALID_DATASET, ...details);
}
