import { defaultEpochs } from './epochs';
import type { TrainingMethod } from './messageChecks';

export interface TrainingPriceInput {
  perMillionTokens?: number;
  perHour?: number;
}

export interface CostEstimate {
  epochs: number;
  /** Whether `epochs` came from the spec or OpenAI's default rule. */
  epochsSource: 'given' | 'default';
  /** Tokens charged: Σ min(limit, tokens per example) × epochs. */
  billedTokens: number;
  usd: number;
  /** 0 when the model has no token price (unknown model, or reinforcement, which bills hours). */
  pricePerMillion: number;
  model: string;
  /** Why the dollar figure is missing or partial, when it is. */
  note?: string;
}

/** The guide's formula: price per 1M tokens × billed tokens × epochs. Validation-file tokens are free. */
export function estimateCost(input: {
  examples: number;
  billedTokensPerEpoch: number;
  epochs?: number;
  model: string;
  method: TrainingMethod;
  price?: TrainingPriceInput;
}): CostEstimate {
  const given = input.epochs !== undefined;
  const epochs = input.epochs ?? defaultEpochs(input.examples);
  const billedTokens = input.billedTokensPerEpoch * epochs;
  const base = {
    epochs,
    epochsSource: given ? ('given' as const) : ('default' as const),
    billedTokens,
    model: input.model,
  };
  if (
    input.method === 'reinforcement' ||
    (input.price?.perMillionTokens === undefined && input.price?.perHour !== undefined)
  ) {
    const perHour = input.price?.perHour;
    return {
      ...base,
      usd: 0,
      pricePerMillion: 0,
      note:
        `reinforcement fine-tuning bills training wall-clock time` +
        `${perHour !== undefined ? ` ($${perHour}/hour)` : ''}, not tokens; no dollar estimate`,
    };
  }
  const perMillion = input.price?.perMillionTokens;
  if (perMillion === undefined) {
    return {
      ...base,
      usd: 0,
      pricePerMillion: 0,
      note: `no training price for ${input.model}; add one with --pricing or the pricing table`,
    };
  }
  return { ...base, usd: roundCents((billedTokens / 1_000_000) * perMillion), pricePerMillion: perMillion };
}

function roundCents(x: number): number {
  return Math.round(x * 100) / 100;
}
