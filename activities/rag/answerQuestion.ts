import type OpenAI from 'openai';
import type { ProviderSpec } from '../../core/spec/providerSpec';
import { documentsCover, NOT_COVERED } from '../../core/rag/documentCoverage';
import { withInlineCitations } from '../../core/rag/inlineCitations';
import { assembleRagPrompt, type CitedPassage } from '../../core/rag/ragPrompt';
import { providerClient } from '../../providers/openai/client';
import { callProvider } from '../../providers/openai/errors';
import type { OpenIndex, RetrieveOptions } from './openIndex';

export interface AnswerOptions extends RetrieveOptions {
  model: string;
  /** Most tokens the cited passages may take. @default 2000 */
  budgetTokens?: number;
  provider?: ProviderSpec;
}

export interface RagAnswer {
  answer: string;
  cited: CitedPassage[];
  messages: { role: 'system' | 'user'; content: string }[];
  model: string;
}

/**
 * Retrieve, assemble the cited prompt, ask the chat model at temperature 0: one RAG answer. A plain call (no
 * activity context needed), for `tailor ask` and for activities alike.
 */
export async function answerQuestion(index: OpenIndex, question: string, opts: AnswerOptions): Promise<RagAnswer> {
  const passages = await index.retrieve(question, opts);
  const { messages, cited } = assembleRagPrompt({
    question,
    passages,
    k: opts.k,
    budgetTokens: opts.budgetTokens ?? 2000,
  });
  // Nothing retrieved speaks to the question: say so rather than let the model answer from unrelated passages.
  if (!documentsCover(question, cited)) return { answer: NOT_COVERED, cited: [], messages, model: opts.model };
  const client = providerClient(opts.provider);
  const reply: OpenAI.Chat.ChatCompletion = await callProvider(`chat (${opts.model})`, () =>
    client.chat.completions.create({ model: opts.model, messages, temperature: 0 }),
  );
  const answer = withInlineCitations(reply.choices[0]?.message.content ?? '', cited);
  return { answer, cited, messages, model: reply.model };
}
