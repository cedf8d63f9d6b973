/**
 * The largest completion a chat model can write, as OpenAI enforces it before any rate limit: a `max_tokens`
 * (or `max_completion_tokens`) beyond it is a 400 naming the parameter, never a 429 that a client would retry.
 */
import { invalidRequest } from '../http/apiError';

/** By model family (a fine-tuned `ft:<base>:…` model inherits its base's). */
const FAMILY_LIMITS: [RegExp, number][] = [
  [/^gpt-4\.1/, 32_768],
  [/^o\d/, 100_000],
  [/^gpt-3\.5/, 4_096],
];
const DEFAULT_LIMIT = 16_384;

export function maxCompletionTokens(model: string): number {
  const base = model.startsWith('ft:') ? model.slice(3) : model;
  return FAMILY_LIMITS.find(([re]) => re.test(base))?.[1] ?? DEFAULT_LIMIT;
}

/** Throws OpenAI's 400 when the requested completion budget exceeds what the model can produce. */
type Budget = { max_tokens?: number | null; max_completion_tokens?: number | null };

export function checkCompletionBudget(model: string, body: Budget): void {
  const param = body.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
  const requested = body.max_completion_tokens ?? body.max_tokens;
  const limit = maxCompletionTokens(model);
  if (requested == null || requested <= limit) return;
  throw invalidRequest(
    `${param} is too large: ${requested}. This model supports at most ${limit} completion tokens, ` +
      `whereas you provided ${requested}.`,
    param,
    'invalid_value',
  );
}
