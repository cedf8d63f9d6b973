import { ApplicationFailure } from '@temporalio/common';
import type { ModelRecord } from '../../stores/registry/registryDb';
import { registryBackend } from '../../stores/processStores';
import { Failure } from '../../core/failures/failureTypes';

export async function registerModel(rec: Omit<ModelRecord, 'createdAt'> & { createdAt?: number }): Promise<void> {
  await (await registryBackend()).registerModel({ ...rec, createdAt: rec.createdAt ?? Date.now() });
}

export async function resolveAlias(input: { pipeline: string; alias: string }): Promise<string | null> {
  return (await (await registryBackend()).resolveAlias(input.pipeline, input.alias)) ?? null;
}

export async function moveAlias(input: {
  pipeline: string;
  alias: string;
  toModel: string | null;
  who: string;
  why: string;
  runId: string;
}): Promise<{ previous: string | null; changed: boolean }> {
  return (await registryBackend()).moveAlias(input);
}

export async function recordApproval(input: {
  runId: string;
  pipeline: string;
  decision: string;
  who: string;
  why: string;
}): Promise<void> {
  await (await registryBackend()).recordApproval(input);
}

/**
 * Moves an alias back to the model it named before its current one (idempotent per run, like every move).
 * Fails non-retryably when there is nothing to go back to.
 */
export async function rollbackAlias(input: {
  pipeline: string;
  alias: string;
  who: string;
  why: string;
  runId: string;
}): Promise<{ from: string; to: string | null }> {
  const registry = await registryBackend();
  const prior = (await registry.historyOfRun(input.runId)).find(
    (c) => c.pipeline === input.pipeline && c.alias === input.alias,
  );
  if (prior) return { from: prior.fromModel ?? '', to: prior.toModel }; // a retry after the move committed
  const current = await registry.resolveAlias(input.pipeline, input.alias);
  const previous = await registry.previousModel(input.pipeline, input.alias);
  if (current === undefined || previous === undefined) {
    throw ApplicationFailure.nonRetryable(
      `${input.pipeline}@${input.alias} has no earlier model to roll back to`,
      Failure.NothingToRollBack,
    );
  }
  await registry.moveAlias({
    pipeline: input.pipeline,
    alias: input.alias,
    toModel: previous,
    who: input.who,
    why: input.why,
    runId: input.runId,
  });
  return { from: current, to: previous };
}
