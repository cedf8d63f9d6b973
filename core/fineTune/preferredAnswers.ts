import type { ChatMessage } from '../chat/chatExample';

/** One line of OpenAI's preference (DPO) format. */
export interface PreferenceRow {
  input: { messages: ChatMessage[]; tools?: unknown[] };
  preferred_output: ChatMessage[];
  non_preferred_output: ChatMessage[];
}

export function isPreferenceRow(row: unknown): row is PreferenceRow {
  const r = row as Partial<PreferenceRow> | null;
  return Boolean(
    r && typeof r === 'object' && r.input && Array.isArray(r.input.messages) && Array.isArray(r.preferred_output),
  );
}

/**
 * The supervised stage OpenAI recommends before DPO: train on the preferred answers alone, so the DPO stage starts
 * from a model that already answers in the wanted way. Each preference row becomes one chat example.
 */
export function preferredAnswerExample(row: PreferenceRow): { messages: ChatMessage[] } {
  return { messages: [...row.input.messages, ...row.preferred_output] };
}
