/**
 * Token counts for `usage`, `trained_tokens` and TPM limits, with the o200k_base tokenizer that
 * gpt-4o and gpt-4.1 use, and OpenAI's chat accounting (3 tokens per message + role + content,
 * 3 to prime the reply). Counts are what OpenAI would bill within a token or two.
 */
import { encode } from 'gpt-tokenizer';
import { memoize } from '../learners/memo';

/** System prompts repeat on every request, so counts of short-ish texts are memoised. */
const countCached = memoize((text: string) => encode(text).length, 8192);

export function countTextTokens(text: string): number {
  if (text.length === 0) return 0;
  return text.length <= 4096 ? countCached(text) : encode(text).length;
}

export function countChatTokens(messages: readonly { role: string; content: string; name?: string }[]): number {
  let n = 3;
  for (const m of messages) {
    n += 3 + 1 + countTextTokens(m.content);
    if (m.name) n += 1 + countTextTokens(m.name);
  }
  return n;
}

/** The first `max` tokens of a text, for `max_completion_tokens`. */
export function truncateToTokens(text: string, max: number): { text: string; truncated: boolean; tokens: number } {
  const ids = encode(text);
  if (ids.length <= max) return { text, truncated: false, tokens: ids.length };
  // Decoding a prefix of ids is exact for o200k; import lazily to keep the hot path lean.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { decode } = require('gpt-tokenizer') as typeof import('gpt-tokenizer');
  return { text: decode(ids.slice(0, max)), truncated: true, tokens: max };
}
