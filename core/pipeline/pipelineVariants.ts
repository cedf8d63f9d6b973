import type { ArtifactRef } from '../artifacts/artifactRef';
import type { Variant } from '../evalSuite/evaluationTypes';
import type { PipelineInput } from './pipelineTypes';

/**
 * The cheaper variants, in the journey's order: the base model zero-shot, through each prompt template, with
 * retrieval, and few-shot from the train split. `fineTune.when: needed` judges these before training anything.
 */
export function cheaperVariants(input: PipelineInput, train: ArtifactRef): Variant[] {
  const { spec } = input;
  const model = spec.baseModel;
  const zeroShot = { type: 'zero-shot' } as const;
  const cheaper: Variant[] = [];
  if (spec.baselines.zeroShot) cheaper.push({ id: 'base-zero-shot', label: 'base, zero-shot', model, mode: zeroShot });
  for (const t of input.prompts ?? []) {
    cheaper.push({ id: `base-prompt-${t.name}`, label: `base, prompt ${t.name}`, model, mode: zeroShot, prompt: t });
  }
  if (spec.baselines.rag) {
    // The index lives under the run's pipeline name, so every run refreshes the same one incrementally.
    const { docs, k, hybrid, mmr, budgetTokens, embeddingModel } = spec.baselines.rag;
    const index = `${input.indexRoot ?? '.tailor/indexes'}/${spec.name}`;
    const rag = {
      docs,
      index,
      k,
      hybrid,
      ...(mmr !== undefined ? { mmrLambda: mmr } : {}),
      ...(budgetTokens ? { budgetTokens } : {}),
      ...(embeddingModel ? { embeddingModel } : {}),
    };
    cheaper.push({ id: 'base-rag', label: `base + retrieval (k=${k})`, model, mode: zeroShot, rag });
  }
  if (spec.baselines.fewShot) {
    const { k, seed } = spec.baselines.fewShot;
    cheaper.push({
      id: `base-few-shot-${k}`,
      label: `base, ${k}-shot`,
      model,
      mode: { type: 'few-shot', k, seed, pool: train },
    });
  }
  return cheaper;
}

/** The model the alias names today, scored beside the candidates. */
export function productionVariant(alias: string, model: string): Variant {
  return { id: 'production', label: `production (${alias})`, model, mode: { type: 'zero-shot' } };
}

/**
 * What the final evaluation scores: the cheaper variants, the fine-tuned model, and production unless the alias
 * already names the fine-tuned model.
 */
export function fineTunedVariants(
  cheaper: Variant[],
  fineTuned: string,
  production: string | null,
  alias: string,
): Variant[] {
  const variants: Variant[] = [
    ...cheaper,
    { id: 'fine-tuned', label: 'fine-tuned', model: fineTuned, mode: { type: 'zero-shot' } },
  ];
  if (production && production !== fineTuned) variants.push(productionVariant(alias, production));
  return variants;
}
