import { createHash } from 'node:crypto';
import type { ChatMessage } from '../chat/chatExample';

/** One prompt the teacher answers: the messages up to the user turn, and the correct answer when one is known. */
export interface DistillPrompt {
  messages: ChatMessage[];
  /** The correct answer (never shown to the teacher, never trained on); scores accuracy on held-out prompts. */
  reference?: string;
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant']);

/**
 * Reads one line of a prompts file: `{"messages": [...], "reference"?: "..."}` whose messages end in a user turn,
 * or in an assistant turn, which is then the reference. Throws `file:line: what is wrong` for a user's mistake.
 */
export function parsePromptLine(text: string, file: string, line: number): DistillPrompt {
  const where = `${file}:${line}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where}: not JSON (${(err as Error).message})`, { cause: err });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where}: expected an object`);
  const { messages, reference } = value as { messages?: unknown; reference?: unknown };
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new Error(`${where}: messages: expected a non-empty list of { role, content }`);
  }
  const parsed = messages.map((m, i): ChatMessage => {
    const { role, content } = (m ?? {}) as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || !ROLES.has(role)) {
      throw new Error(`${where}: messages.${i}.role: expected system, developer, user or assistant`);
    }
    if (typeof content !== 'string') throw new Error(`${where}: messages.${i}.content: expected a string`);
    return { role: role as ChatMessage['role'], content };
  });
  if (reference !== undefined && typeof reference !== 'string') {
    throw new Error(`${where}: reference: expected a string`);
  }
  const last = parsed[parsed.length - 1]!;
  const prompt = last.role === 'assistant' ? parsed.slice(0, -1) : parsed;
  if (prompt[prompt.length - 1]?.role !== 'user') {
    throw new Error(`${where}: messages: expected the prompt to end in a user turn (optionally then the answer)`);
  }
  if (last.role === 'assistant' && reference !== undefined) {
    throw new Error(`${where}: reference: given twice (the last assistant turn is the reference)`);
  }
  const ref = last.role === 'assistant' ? (last.content ?? '') : reference;
  return { messages: prompt, ...(ref !== undefined ? { reference: ref } : {}) };
}

/** The prompt's identity: its messages only (not the reference), so the same question is asked once. */
export function promptKey(p: Pick<DistillPrompt, 'messages'>): string {
  return createHash('sha256')
    .update(JSON.stringify(p.messages.map((m) => [m.role, m.content])))
    .digest('hex');
}

/** Keeps the first of prompts with the same messages. */
export function uniquePrompts(prompts: readonly DistillPrompt[]): DistillPrompt[] {
  const seen = new Set<string>();
  return prompts.filter((p) => {
    const k = promptKey(p);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Which prompts are held out: the `fraction` (at least one, and never every prompt when there are two or more) whose
 * seeded content hash sorts first. Stable: adding prompts never moves an existing one from training to held-out
 * unless it now sorts before the cut.
 */
export function heldOutKeys(prompts: readonly DistillPrompt[], fraction: number, seed: string): Set<string> {
  const keys = prompts.map(promptKey);
  const n = keys.length < 2 ? 0 : Math.min(keys.length - 1, Math.max(1, Math.round(keys.length * fraction)));
  const order = keys
    .map((k) => ({ k, h: createHash('sha256').update(`${seed}\u0000${k}`).digest('hex') }))
    .sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
  return new Set(order.slice(0, n).map((o) => o.k));
}
