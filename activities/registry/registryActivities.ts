import type { ModelRecord } from './registryDb';
import { sharedRegistry } from './registryDb';

export async function registerModel(rec: Omit<ModelRecord, 'createdAt'> & { createdAt?: number }): Promise<void> {
  sharedRegistry().registerModel({ ...rec, createdAt: rec.createdAt ?? Date.now() });
}

export async function resolveAlias(input: { pipeline: string; alias: string }): Promise<string | null> {
  return sharedRegistry().resolveAlias(input.pipeline, input.alias) ?? null;
}

export async function moveAlias(input: {
  pipeline: string;
  alias: string;
  toModel: string | null;
  who: string;
  why: string;
  runId: string;
}): Promise<{ previous: string | null; changed: boolean }> {
  return sharedRegistry().moveAlias(input);
}

export async function recordApproval(input: { runId: string; pipeline: string; decision: string; who: string; why: string }): Promise<void> {
  sharedRegistry().recordApproval(input);
}
