import { ApplicationFailure } from '@temporalio/common';
import { exitCodeFor } from '../core/failures/failureTypes';
import { UsageError } from './command';

/**
 * A shared store (the PostgreSQL registry) that cannot be reached, refuses the login or names no database fails with
 * a classified, password-free failure (stores/registry/postgresFailures.ts): for a command that is one line naming
 * `what`, with the failure table's exit code, never a stack trace. Anything else is returned as it is.
 */
export function storeUsageError(err: unknown, what: string): unknown {
  if (err instanceof ApplicationFailure && err.type?.startsWith('Registry')) {
    return new UsageError(`${what}: ${err.message}`, exitCodeFor(err.type));
  }
  return err;
}
