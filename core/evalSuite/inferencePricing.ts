import { resolveModelKey } from '../dataset/modelKey';
import type { TokenPrice } from './evalSuiteTypes';

/**
 * Inference list prices, USD per 1M tokens (OpenAI's pricing page, standard tier, 2026 copies). Fine-tuned models
 * (`ft:` names) bill at their family's fine-tuned rate. Suites override entries with `pricing:`; an unknown model
 * has no cost (reported as n/a, never guessed). The local backend's models are priced as the names they carry.
 */
export const DEFAULT_INFERENCE_PRICES: Record<string, TokenPrice> = {
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  'o4-mini': { input: 1.1, output: 4.4 },
};

export const DEFAULT_FINE_TUNED_PRICES: Record<string, TokenPrice> = {
  'gpt-4o': { input: 3.75, output: 15 },
  'gpt-4o-mini': { input: 0.3, output: 1.2 },
  'gpt-4.1': { input: 3, output: 12 },
  'gpt-4.1-mini': { input: 0.8, output: 3.2 },
  'gpt-4.1-nano': { input: 0.2, output: 0.8 },
  'gpt-3.5-turbo': { input: 3, output: 6 },
};

export function priceFor(model: string, overrides: Record<string, TokenPrice> = {}): TokenPrice | undefined {
  if (overrides[model]) return overrides[model];
  const own = resolveModelKey(overrides, model);
  if (own) return overrides[own];
  const table = model.startsWith('ft:') ? DEFAULT_FINE_TUNED_PRICES : DEFAULT_INFERENCE_PRICES;
  const key = resolveModelKey(table, model);
  return key ? table[key] : undefined;
}

export function costUsd(
  model: string,
  promptTokens: number,
  completionTokens: number,
  overrides?: Record<string, TokenPrice>,
): number | undefined {
  const p = priceFor(model, overrides);
  return p ? (promptTokens * p.input + completionTokens * p.output) / 1e6 : undefined;
}
