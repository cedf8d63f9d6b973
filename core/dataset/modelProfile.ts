import { resolveModelKey } from './modelKey';

export type EncodingName = 'o200k_base' | 'cl100k_base';

export interface ModelProfile {
  /** The table key the model resolved to, or the model itself when unknown. */
  family: string;
  known: boolean;
  encoding: EncodingName;
  /** Tokens per training example; the provider truncates longer examples from the end. */
  exampleTokenLimit: number;
  /** The base model's announced shutdown (`YYYY-MM-DD`), when one was published. */
  shutdownDate?: string;
}

/**
 * Per-family facts from OpenAI's fine-tuning docs (availability, tokens per example). Limits are kept per
 * model here because the
 * cookbook's single constant went stale twice (4096 → 16,385). Dated keys override their family (longest key wins).
 */
const PROFILES: Record<string, Omit<ModelProfile, 'family' | 'known'>> = {
  'gpt-4.1': { encoding: 'o200k_base', exampleTokenLimit: 65_536 },
  'gpt-4.1-mini': { encoding: 'o200k_base', exampleTokenLimit: 65_536 },
  'gpt-4.1-nano': { encoding: 'o200k_base', exampleTokenLimit: 32_768, shutdownDate: '2026-10-23' },
  'gpt-4o': { encoding: 'o200k_base', exampleTokenLimit: 65_536 },
  'gpt-4o-mini': { encoding: 'o200k_base', exampleTokenLimit: 65_536 },
  'gpt-3.5-turbo': { encoding: 'cl100k_base', exampleTokenLimit: 16_385, shutdownDate: '2026-10-23' },
  'gpt-3.5-turbo-1106': { encoding: 'cl100k_base', exampleTokenLimit: 16_385, shutdownDate: '2026-09-28' },
  'gpt-3.5-turbo-0613': { encoding: 'cl100k_base', exampleTokenLimit: 4_096, shutdownDate: '2026-10-23' },
  'gpt-4': { encoding: 'cl100k_base', exampleTokenLimit: 8_192, shutdownDate: '2026-10-23' },
  'davinci-002': { encoding: 'cl100k_base', exampleTokenLimit: 16_385, shutdownDate: '2026-09-28' },
  'babbage-002': { encoding: 'cl100k_base', exampleTokenLimit: 16_385, shutdownDate: '2026-09-28' },
  // RFT's per-example limit is not published; 65,536 matches the other o200k families until it is.
  'o4-mini': { encoding: 'o200k_base', exampleTokenLimit: 65_536, shutdownDate: '2026-10-23' },
};

/**
 * Unknown models (the local backend's, new snapshots) get the current default tokenizer and limit, flagged
 * `known: false`.
 */
export function modelProfile(model: string): ModelProfile {
  const key = resolveModelKey(PROFILES, model);
  if (!key) return { family: model, known: false, encoding: 'o200k_base', exampleTokenLimit: 65_536 };
  return { family: key, known: true, ...PROFILES[key]! };
}

/** Days from `today` to the shutdown (negative once past); undefined without a date. Both `YYYY-MM-DD`. */
export function daysUntilShutdown(profile: ModelProfile, today: string): number | undefined {
  if (!profile.shutdownDate) return undefined;
  return Math.round((Date.parse(profile.shutdownDate) - Date.parse(today)) / 86_400_000);
}
