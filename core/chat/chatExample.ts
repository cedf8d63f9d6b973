/** The minimal chat shapes evaluation needs; full validation of the format lives in core/dataset. */
export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content: string | null;
}

export interface EvalCase {
  /** Everything before the reference answer: the prompt as the model would see it. */
  prompt: ChatMessage[];
  /** The reference: the content of the final assistant message. */
  reference: string;
}

/**
 * Splits an example into its prompt and its reference answer: a chat example's last assistant message, or a
 * preference (DPO) example's preferred output, so DPO runs are scored on the same footing.
 */
export function toEvalCase(example: {
  messages?: ChatMessage[];
  input?: { messages?: ChatMessage[] };
  preferred_output?: ChatMessage[];
}): EvalCase | undefined {
  if (!example.messages && example.input?.messages && example.preferred_output) {
    const preferred = [...example.preferred_output].reverse().find((m) => m.role === 'assistant');
    return typeof preferred?.content === 'string'
      ? { prompt: example.input.messages, reference: preferred.content }
      : undefined;
  }
  const msgs = example.messages;
  if (!msgs) return undefined;
  const last = msgs[msgs.length - 1];
  if (!last || last.role !== 'assistant' || typeof last.content !== 'string') return undefined;
  return { prompt: msgs.slice(0, -1), reference: last.content };
}

export function parseJsonl<T>(text: string): T[] {
  const out: T[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed) out.push(JSON.parse(trimmed) as T);
  }
  return out;
}
