import type { Spend, StepName } from './pipelineTypes';

export function newSpend(budgetUsd: number | undefined): Spend {
  return { budgetUsd: budgetUsd ?? null, estimatedUsd: {}, actualUsd: {}, totalUsd: 0 };
}

/** What is left of the budget (Infinity without one). */
export function remainingUsd(spend: Spend): number {
  return spend.budgetUsd === null ? Infinity : spend.budgetUsd - spend.totalUsd;
}

/** Refusal message when a step's estimate exceeds what is left, else undefined. */
export function budgetRefusal(spend: Spend, step: StepName, estimateUsd: number): string | undefined {
  const left = remainingUsd(spend);
  if (estimateUsd <= left) return undefined;
  return (
    `the ${step} step is estimated at $${estimateUsd.toFixed(4)}, more than the $${left.toFixed(4)} left of ` +
    `the budget of $${spend.budgetUsd!.toFixed(4)}; nothing was uploaded`
  );
}

/** Actual cost of tokens trained at a per-million price. */
export function tokenCostUsd(tokens: number, pricePerMillion: number): number {
  return (tokens * pricePerMillion) / 1_000_000;
}
