import { ApplicationFailure } from '@temporalio/common';
import { Failure } from '../../core/failures/failureTypes';

/**
 * The failure type a workflow (and a user searching history) sees when the data itself is wrong: retrying cannot help.
 */
export const INVALID_DATASET = Failure.InvalidDataset;

export function invalidDataset(message: string, ...details: unknown[]): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, INVALID_DATASET, ...details);
}

/** The failure type when the source's bytes are not those the run is named after (changed since it started). */
export const DATASET_CHANGED = Failure.DatasetChanged;

export function datasetChanged(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, DATASET_CHANGED);
}
