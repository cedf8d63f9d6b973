import { registryBackend } from '../../stores/processStores';

/**
 * Records a canary for an alias: the gateway serves `model` to `percent` of the alias's users while the alias keeps
 * its model (stores/registry/canaries.ts). Idempotent per run. Returns the alias's model (what the other users get)
 * and the canary it replaced, if any.
 */
export async function startCanary(input: {
  pipeline: string;
  alias: string;
  model: string;
  percent: number;
  who: string;
  why: string;
  runId: string;
}): Promise<{ primary: string | null; replaced: string | null }> {
  const registry = await registryBackend();
  const { replaced } = await registry.startCanary(input);
  const primary = (await registry.resolveAlias(input.pipeline, input.alias)) ?? null;
  return { primary, replaced: replaced?.model ?? null };
}
