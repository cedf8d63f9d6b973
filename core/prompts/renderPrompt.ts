import type { ChatMessage } from '../chat/chatExample';
import { substitute } from './placeholders';
import { DEFAULT_STEP_BY_STEP_CUE, type PromptTemplate } from './promptTemplate';

/**
 * A variable the template needs that the case does not give, or one the case gives that the template does not declare.
 */
export class PromptRenderError extends Error {
  override name = 'PromptRenderError';
  constructor(
    message: string,
    readonly template: string,
    readonly variable: string,
    readonly kind: 'missing' | 'undeclared',
  ) {
    super(message);
  }
}

export type PromptVars = Record<string, string>;

/** One few-shot example as the user/assistant turns it becomes. */
export interface ExampleTurn {
  user: string;
  assistant: string;
}

/**
 * Renders a template strictly: every declared variable without a default must be given, and nothing undeclared
 * may be given (a misspelt key would otherwise be silently ignored). Examples go between the system message and
 * the real input as earlier user/assistant turns, the one format every few-shot strategy shares.
 */
export function renderPrompt(
  template: PromptTemplate,
  vars: PromptVars,
  examples: readonly ExampleTurn[] = [],
): ChatMessage[] {
  for (const name of Object.keys(vars)) {
    if (!(name in template.variables)) {
      throw new PromptRenderError(
        `prompt '${template.name}': undeclared variable '${name}' given (declared: ` +
          `${Object.keys(template.variables).join(', ') || 'none'})`,
        template.name,
        name,
        'undeclared',
      );
    }
  }
  const fill = (text: string) =>
    substitute(text, (name) => {
      const v = vars[name] ?? template.variables[name]?.default;
      if (v === undefined)
        throw new PromptRenderError(
          `prompt '${template.name}': missing variable '${name}'`,
          template.name,
          name,
          'missing',
        );
      return v;
    });
  return [
    { role: 'system', content: fill(systemText(template)) },
    ...examples.flatMap((e): ChatMessage[] => [
      { role: 'user', content: e.user },
      { role: 'assistant', content: e.assistant },
    ]),
    { role: 'user', content: fill(template.user) },
  ];
}

/** The system message before variables are filled in. */
export function systemText(t: PromptTemplate): string {
  const multiline = t.separator.includes('\n');
  const constraints =
    t.constraints.length === 0
      ? undefined
      : multiline
        ? t.constraints.map((c) => `- ${c}`).join('\n')
        : t.constraints.join(t.separator);
  const cue = t.stepByStep === true ? DEFAULT_STEP_BY_STEP_CUE : t.stepByStep === false ? undefined : t.stepByStep;
  return [t.system, t.instructions, constraints, t.outputFormat, cue]
    .filter((p): p is string => Boolean(p && p.trim()))
    .join(t.separator);
}

/**
 * The variables for a case that has only a user message (a chat-format dataset row): a template with exactly one
 * variable without a default takes the message as that variable; any other template cannot be filled from it.
 */
export function varsFromUserText(template: PromptTemplate, userText: string): PromptVars {
  const required = Object.entries(template.variables)
    .filter(([, v]) => v.default === undefined)
    .map(([k]) => k);
  if (required.length !== 1) {
    throw new PromptRenderError(
      `prompt '${template.name}' needs variables ${required.map((r) => `'${r}'`).join(', ') || '(none)'}; a ` +
        `chat case gives only its user message, which fills a template with exactly one required variable`,
      template.name,
      required[0] ?? '',
      'missing',
    );
  }
  return { [required[0]!]: userText };
}

/** A user message rendered through the template's user part (for example turns, so they match the real input). */
export function renderUserText(template: PromptTemplate, vars: PromptVars): string {
  const last = renderPrompt(template, vars).at(-1);
  return last?.content ?? '';
}
