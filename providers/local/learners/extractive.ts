/**
 * Extractive answering, the base learner's reply when no label set is offered. It covers RAG: the
 * sentences of any passage in the prompt (system messages, earlier turns, or the user message around
 * the question) are ranked by overlap with the question and the best one is returned verbatim.
 * With no passage at all it echoes the question, the most honest thing a model with no knowledge can do.
 */
import { type LearnerMessage, type LearnerReply } from './chatTypes';
import { featurize, dot } from './features';
import { contentWords } from '../../../core/text/stopwords';

/** Splits text into sentences and lines, dropping fragments too short to answer anything. */
export function sentences(text: string): string[] {
  return (
    text
      .split(/(?<=[.!?])\s+|\r?\n+/)
      // A list mark, or a RAG passage's `[n] (source#heading)` citation prefix (core/rag/ragPrompt.ts), is not part of
      // the answer.
      .map((s) => s.trim().replace(/^(?:[-*•]|\[\d+\](?:\s*\([^()\n]*\))?|\d+[.)])\s*/, ''))
      .filter((s) => s.split(/\s+/).length >= 3)
  );
}

const QUESTION_MARK = /^(?:question|q|query)\s*:\s*/i;

/** Separates the question from passages written in the same user message ("Context: ... Question: ..."). */
export function splitQuestion(userText: string): { question: string; passage: string } {
  const lines = userText.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (QUESTION_MARK.test(line) || (line.endsWith('?') && lines.length > 1)) {
      return { question: line.replace(QUESTION_MARK, ''), passage: lines.filter((_, j) => j !== i).join('\n') };
    }
  }
  return { question: userText, passage: '' };
}

export function extractiveReply(messages: readonly LearnerMessage[]): LearnerReply {
  let lastUser = -1;
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i]!.role === 'user') {
      lastUser = i;
      break;
    }
  const { question, passage } = splitQuestion(lastUser >= 0 ? messages[lastUser]!.content : '');
  const pool: string[] = [];
  messages.forEach((m, i) => {
    if (i !== lastUser && m.role !== 'assistant') pool.push(...sentences(m.content));
  });
  pool.push(...sentences(passage));
  const q = featurize(contentWords(question));
  const ranked = pool
    .map((s, i) => ({ text: s, logit: 20 * dot(q, featurize(contentWords(s))) - i * 1e-6 }))
    .filter((c) => c.logit > 0)
    .sort((a, b) => b.logit - a.logit);
  if (ranked.length > 0) return { candidates: ranked.slice(0, 8), strategy: 'extractive' };
  return { candidates: [{ text: question.trim(), logit: 0 }], strategy: 'echo' };
}
