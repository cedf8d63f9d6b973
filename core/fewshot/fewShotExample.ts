import { createHash } from 'node:crypto';
import type { ChatMessage } from '../chat/chatExample';
import { normalizeText } from '../dataset/normalizeText';

/** One candidate example: the input it answers (the text strategies key on), its answer, and its content hash. */
export interface FewShotExample {
  /** Position in the pool file (after the evaluation-split guard removed nothing yet). */
  index: number;
  input: string;
  output: string;
  /** `inputHash(input)`: what the evaluation-split guard compares. */
  hash: string;
}

/**
 * The content hash of an input: sha256 of its normalised, lower-cased text. Normalising means a case that differs
 * from a pool example only by case, spacing or invisible characters still counts as the same case.
 */
export function inputHash(text: string): string {
  return createHash('sha256').update(normalizeText(text).toLowerCase()).digest('hex');
}

/** A chat-format row (`{messages}`) as an example: its last user message and final assistant answer. */
export function exampleFromChat(row: { messages: ChatMessage[] }, index: number): FewShotExample | undefined {
  const msgs = row.messages;
  const last = msgs[msgs.length - 1];
  if (!last || last.role !== 'assistant' || typeof last.content !== 'string') return undefined;
  const user = [...msgs.slice(0, -1)].reverse().find((m) => m.role === 'user');
  if (!user || typeof user.content !== 'string') return undefined;
  return { index, input: user.content, output: last.content, hash: inputHash(user.content) };
}
