import type { ChatMessage } from '../chat/chatExample';
import type { CaseResult } from '../evalSuite/caseResult';
import { systemText } from '../prompts/renderPrompt';
import type { PromptTemplate } from '../prompts/promptTemplate';

/** The longest instructions a rewrite may propose (a runaway answer is not a prompt). */
export const MAX_REWRITE_CHARS = 4000;

/** The cases the best candidate got wrong, first `n` in case order (errors too: they are failures for the user). */
export function failuresOf(results: readonly CaseResult[], variantId: string, n: number): CaseResult[] {
  return results.filter((r) => r.variantId === variantId && r.status !== 'pass').slice(0, n);
}

/** The request to the rewriter model: the current prompt, its failures, and what to answer with. */
export function rewriteMessages(template: PromptTemplate, failures: readonly CaseResult[]): ChatMessage[] {
  const shown = failures
    .map(
      (f, i) =>
        `${i + 1}. input: ${f.input}\n   expected: ${f.expected ?? '(none)'}\n   answered: ` +
        `${f.output || f.error || '(nothing)'}`,
    )
    .join('\n');
  return [
    {
      role: 'system',
      content:
        'You improve prompts. Rewrite the INSTRUCTIONS part of the prompt below so that a model following it ' +
        'answers the failed cases correctly, ' +
        'without overfitting to them. Keep every {{placeholder}} as it is. Reply with the new instructions ' +
        'only, no preamble.',
    },
    {
      role: 'user',
      content:
        `Current system prompt:\n${systemText(template)}\n\nCurrent instructions:\n` +
        `${template.instructions ?? '(none)'}\n\nFailed cases:\n${shown || '(none)'}`,
    },
  ];
}

/**
 * The new instructions from the model's answer, or undefined when it offers nothing usable (empty, the same, too long).
 */
export function parseRewrite(answer: string, current: PromptTemplate): string | undefined {
  const text = answer
    .trim()
    .replace(/^```[a-z]*\n?|\n?```$/g, '')
    .replace(/^instructions:\s*/i, '')
    .trim();
  if (!text || text.length > MAX_REWRITE_CHARS || text === current.instructions?.trim()) return undefined;
  return text;
}
