import { ApplicationFailure } from '@temporalio/common';
import { insideRoots, outsideRootsMessage, workerRoots } from '../config/allowedRoots';
import { Failure } from '../core/failures/failureTypes';

/** The failure type when a spec names a file outside the roots this worker may read: retrying cannot help. */
export const PATH_NOT_ALLOWED = Failure.PathNotAllowed;

/**
 * Refuses, non-retryably, a spec-named path outside the worker's allowed roots (config/allowedRoots.ts): the client
 * checks specs too, but a run may come from a client that skipped that check.
 */
export function requireAllowedPath(p: string, what: string): void {
  const roots = workerRoots();
  if (insideRoots(p, roots)) return;
  throw ApplicationFailure.nonRetryable(`${what}: ${outsideRootsMessage(p, roots)}`, PATH_NOT_ALLOWED);
}
