import type { ChatMessage } from '../chat/chatExample';
import type { FewShotExample } from '../fewshot/fewShotExample';
import { renderPrompt, renderUserText, varsFromUserText, type PromptVars } from '../prompts/renderPrompt';
import { withExamples } from '../fewshot/renderExamples';
import { valueText } from '../graders/template';
import type { SuiteCase } from './evalCase';
import type { EvalVariant } from './evalSuiteTypes';

/**
 * The prompt a variant sends for a case. With a template: the case's variables (chat cases fill the template's one
 * variable with their user message) and the few-shot examples rendered through the same user template, so example
 * turns look exactly like the real input. Without one: the case's own messages, examples inserted as earlier turns.
 */
export function caseMessages(
  variant: Pick<EvalVariant, 'prompt'>,
  c: SuiteCase,
  examples: readonly FewShotExample[] = [],
): ChatMessage[] {
  const t = variant.prompt?.template;
  if (t) {
    const vars = templateVars(t, c);
    const turns = examples.map((e) => ({ user: renderUserText(t, varsFromUserText(t, e.input)), assistant: e.output }));
    return renderPrompt(t, vars, turns);
  }
  if (!c.messages)
    throw new Error(
      `case ${c.id} (line ${c.line}) has no messages; a variant needs a prompt template to render ${c.shape} cases`,
    );
  return examples.length
    ? withExamples(
        c.messages,
        examples.map((e) => ({ prompt: [{ role: 'user', content: e.input }], reference: e.output })),
      )
    : c.messages;
}

function templateVars(t: NonNullable<EvalVariant['prompt']>['template'], c: SuiteCase): PromptVars {
  if (c.shape === 'chat') return varsFromUserText(t, c.input);
  const vars: PromptVars = {};
  for (const name of Object.keys(t.variables)) if (name in c.item) vars[name] = valueText(c.item[name]);
  return vars;
}
