import { lookupPath, parsePath, PathSyntaxError } from './jsonPath';
import { pythonJson } from './pythonJson';

/**
 * OpenAI's grader template language: `{{ namespace.path }}` with namespaces `item` and
 * `sample`, spaces inside the braces optional, no filters or escapes. Choices recorded in the run report:
 * strings insert verbatim, anything else as Python-style JSON (`json.dumps`: ", " and ": " separators, ASCII
 * escapes), because OpenAI's graders run on Python; an unknown namespace or a missing path is an
 * `invalid_variable_error` (the grade scores 0 and the item counts as errored); an unterminated `{{` is literal.
 */
export class InvalidVariableError extends Error {
  override name = 'InvalidVariableError';
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`invalid variable {{${variable}}}: ${reason}`);
  }
}

export interface TemplateContext {
  item: Record<string, unknown>;
  /** Absent while rendering inputs to the model under test (the sample does not exist yet). */
  sample?: Record<string, unknown>;
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

export function renderGraderTemplate(text: string, ctx: TemplateContext): string {
  return text.replace(PLACEHOLDER, (_whole, inner: string) => valueText(resolveVariable(inner.trim(), ctx)));
}

/** The raw value a `{{ns.path}}` names (not stringified): graders comparing JSON fields want the value itself. */
export function resolveVariable(variable: string, ctx: TemplateContext): unknown {
  let segments;
  try {
    segments = parsePath(variable);
  } catch (err) {
    if (err instanceof PathSyntaxError) throw new InvalidVariableError(variable, err.message);
    throw err;
  }
  const [ns, ...rest] = segments;
  const root = ns === 'item' ? ctx.item : ns === 'sample' ? ctx.sample : undefined;
  if (root === undefined) {
    throw new InvalidVariableError(
      variable,
      ns === 'sample'
        ? 'the sample does not exist yet here'
        : `unknown namespace '${String(ns)}' (expected item or sample)`,
    );
  }
  const hit = lookupPath(root, rest);
  if (!hit.found) throw new InvalidVariableError(variable, 'no such key');
  return hit.value;
}

export function valueText(v: unknown): string {
  return typeof v === 'string' ? v : pythonJson(v);
}

/** Whether a text holds any placeholder (for deciding if a value is a template or a literal). */
export function hasPlaceholder(text: string): boolean {
  return /\{\{[^{}]*\}\}/.test(text);
}
