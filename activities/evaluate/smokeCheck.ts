import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import type { Metric } from '../../core/eval/score';
import type { ProviderSpec } from '../../core/spec/providerSpec';
import type { VariantScore } from '../../core/evalSuite/evaluationTypes';
import { registryBackend } from '../../stores/processStores';
import { evaluateVariant } from './evaluateVariant';

/**
 * A smoke evaluation through the alias, as a client of the alias would call it: resolve the alias now, then score
 * the first few held-out cases on whatever model it names.
 */
export async function smokeCheckAlias(input: {
  pipeline: string;
  alias: string;
  test: ArtifactRef;
  examples: number;
  metric: Metric;
  provider?: ProviderSpec;
}): Promise<VariantScore & { resolvedModel: string }> {
  const model = await (await registryBackend()).resolveAlias(input.pipeline, input.alias);
  if (!model) throw new Error(`alias ${input.pipeline}/${input.alias} points at no model`);
  const score = await evaluateVariant({
    variant: { id: `smoke-${input.alias}`, label: `smoke via ${input.alias}`, model, mode: { type: 'zero-shot' } },
    test: input.test,
    metric: input.metric,
    concurrency: 4,
    maxExamples: input.examples,
    provider: input.provider,
  });
  return { ...score, resolvedModel: model };
}
