import type { ChatMessage, EvalCase } from '../chat/chatExample';

/**
 * Places few-shot examples as earlier user/assistant turns between the system prompt and the real input, the
 * consistent format every selection strategy shares.
 */
export function withExamples(prompt: ChatMessage[], examples: EvalCase[]): ChatMessage[] {
  const leading = prompt.filter((m) => m.role === 'system' || m.role === 'developer');
  const rest = prompt.filter((m) => m.role !== 'system' && m.role !== 'developer');
  const turns: ChatMessage[] = [];
  for (const ex of examples) {
    const user = [...ex.prompt].reverse().find((m) => m.role === 'user');
    if (!user) continue;
    turns.push({ role: 'user', content: user.content }, { role: 'assistant', content: ex.reference });
  }
  return [...leading, ...turns, ...rest];
}

/** The text a selection strategy keys on: the last user message. */
export function inputText(prompt: ChatMessage[]): string {
  return [...prompt].reverse().find((m) => m.role === 'user')?.content ?? '';
}
