import type { ChatMessage } from '../chat/chatExample';
import { inputText } from '../fewshot/renderExamples';
import { assembleRagPrompt, type Passage } from '../rag/ragPrompt';
import type { RagSettings } from './evalSuiteTypes';

/** The question a RAG variant retrieves for: the last user turn of the prompt the variant would send without it. */
export function ragQuestion(messages: readonly ChatMessage[]): string {
  return inputText([...messages]);
}

/**
 * A RAG variant's prompt for one case: the retrieved passages, numbered and cited, with the question, within the
 * token budget. A template's system message (the role) stays in front of the RAG instructions.
 */
export function ragMessages(
  base: readonly ChatMessage[],
  passages: readonly Passage[],
  rag: Pick<RagSettings, 'k' | 'budgetTokens'>,
): ChatMessage[] {
  const { messages } = assembleRagPrompt({
    question: ragQuestion(base),
    passages,
    k: rag.k,
    ...(rag.budgetTokens ? { budgetTokens: rag.budgetTokens } : {}),
  });
  const role = base.find((m) => m.role === 'system');
  if (!role || typeof role.content !== 'string') return messages;
  return [{ role: 'system', content: `${role.content}\n\n${messages[0]!.content}` }, messages[1]!];
}
