import { remainingUsd, tokenCostUsd } from './budget';
import type { FineTuneInput, FineTuneResult } from './fineTuneTypes';
import type { PipelineInput, PipelineResult, Spend } from './pipelineTypes';

/** What every fine-tuning child of a run shares; the child adds its tag, start model, data and method. */
export type FineTuneRequest = Omit<FineTuneInput, 'runTag' | 'model' | 'train' | 'validation' | 'method'>;

export function fineTuneRequest(input: PipelineInput, spend: Spend): FineTuneRequest {
  const { spec } = input;
  return {
    pipeline: spec.name,
    datasetSha256: input.datasetSha256,
    suffix: spec.fineTune.suffix,
    seed: spec.fineTune.seed,
    poll: spec.fineTune.poll,
    provider: spec.provider,
    timeouts: spec.timeouts,
    // Your own hardware is paid by the hour: the trainer's workflow stops training when the budget is used up.
    ...(spec.provider?.type === 'self-hosted' && spec.provider.usdPerHour && spend.budgetUsd !== null
      ? { budgetLeftUsd: remainingUsd(spend) }
      : {}),
    // A provider job's checkpoints are listed by its API; the self-hosted trainer keeps them only when asked.
    ...(spec.provider?.type === 'self-hosted' && spec.fineTune.checkpoints === 'best'
      ? { checkpoints: 'best' as const }
      : {}),
  };
}

/**
 * What fine-tuning cost: machine time for self-hosted training (usdPerHour), else the tokens trained (the
 * estimate's when the provider reports none, plus a supervised first stage's) at the provider's price.
 */
export function fineTuneCostUsd(
  ft: Pick<FineTuneResult, 'selfHosted' | 'trainedTokens'>,
  firstStageTokens: number,
  estimate: PipelineResult['validation']['estimate'],
): number {
  if (ft.selfHosted) return ft.selfHosted.costUsd ?? 0;
  return tokenCostUsd((ft.trainedTokens ?? estimate.billedTokens) + firstStageTokens, estimate.pricePerMillion);
}
