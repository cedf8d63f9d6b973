import { z } from 'zod';
import { resolveModelKey } from '../core/dataset/modelKey';

/**
 * Training prices in USD, from OpenAI's pricing page (its fine-tuning table, as copied in 2026). Keys are model
 * families: a model name resolves to the longest key it starts
 * with (`gpt-4o-mini-2024-07-18` → `gpt-4o-mini`). Prices change; users override entries with `--pricing FILE`
 * or the `pricing` input of `validateDataset`, never by editing this table.
 */
export const TrainingPriceSchema = z
  .object({
    /** USD per 1M trained tokens (SFT and DPO bill tokens in the file × epochs). */
    perMillionTokens: z.number().min(0).optional(),
    /** USD per hour of training wall-clock time (reinforcement fine-tuning bills time, not tokens). */
    perHour: z.number().min(0).optional(),
  })
  .strict();
export type TrainingPrice = z.infer<typeof TrainingPriceSchema>;

export const PricingTableSchema = z.record(z.string().min(1), TrainingPriceSchema);
export type PricingTable = z.infer<typeof PricingTableSchema>;

export const DEFAULT_TRAINING_PRICES: PricingTable = {
  'gpt-4.1': { perMillionTokens: 25 },
  'gpt-4.1-mini': { perMillionTokens: 5 },
  'gpt-4.1-nano': { perMillionTokens: 1.5 },
  'gpt-4o': { perMillionTokens: 25 },
  'gpt-4o-mini': { perMillionTokens: 3 },
  'gpt-3.5-turbo': { perMillionTokens: 8 },
  // legacy: not on the 2026 page; the gpt-3.5 legacy price is the closest published figure
  'gpt-4': { perMillionTokens: 8 },
  'davinci-002': { perMillionTokens: 6 },
  'babbage-002': { perMillionTokens: 0.4 },
  'o4-mini': { perHour: 100 },
};

/** The defaults with the user's entries laid over them (an override replaces a whole entry). */
export function mergePricing(overrides?: PricingTable): PricingTable {
  return { ...DEFAULT_TRAINING_PRICES, ...(overrides ? PricingTableSchema.parse(overrides) : {}) };
}

export function trainingPriceFor(
  model: string,
  table: PricingTable = DEFAULT_TRAINING_PRICES,
): { key: string; price: TrainingPrice } | undefined {
  const key = resolveModelKey(table, model);
  return key ? { key, price: table[key]! } : undefined;
}
