import type { Issue } from './errorCategories';
import { isJsonObject, preview, type JsonObject } from './jsonValue';
import {
  checkMessage,
  checkText,
  declaredToolNames,
  DPO_INPUT_RULES,
  MAX_IMAGES_PER_EXAMPLE,
  newExampleContext,
  REINFORCEMENT_RULES,
  SUPERVISED_RULES,
  type ExampleContext,
  type MessageRules,
  type TrainingMethod,
} from './messageChecks';

export interface ExampleCheck {
  issues: Issue[];
  /** Set when the example had a message list to inspect (for the missing system/user statistics). */
  context?: ExampleContext;
  /** Top-level keys the method does not define (a warning for SFT/DPO; grader fields for reinforcement). */
  extraKeys: string[];
}

const SUPERVISED_KEYS = new Set(['messages', 'tools', 'parallel_tool_calls', 'functions']);
const DPO_KEYS = new Set(['input', 'preferred_output', 'non_preferred_output']);
const RFT_RESERVED = new Set(['messages', 'tools', 'parallel_tool_calls']);

/** Keys of `value` not in `known` (a loop, not filter: this runs once per example on the hot path). */
function keysOutside(value: JsonObject, known: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const k in value) if (!known.has(k)) out.push(k);
  return out;
}

export function checkExample(value: unknown, method: TrainingMethod): ExampleCheck {
  if (method === 'dpo') return checkDpoExample(value);
  if (method === 'reinforcement') return checkReinforcementExample(value);
  return checkSupervisedExample(value);
}

/** One line of supervised chat data (OpenAI's chat format: `messages`). */
export function checkSupervisedExample(value: unknown): ExampleCheck {
  const issues: Issue[] = [];
  if (!isJsonObject(value))
    return { issues: [{ category: 'data_type', message: `line is ${preview(value)}, not an object` }], extraKeys: [] };
  const extraKeys = keysOutside(value, SUPERVISED_KEYS);
  const context = checkMessageList(value, value.messages, SUPERVISED_RULES, issues);
  if (context && context.assistantMessages === 0) {
    issues.push({ category: 'example_missing_assistant_message', message: 'no message has role assistant' });
  }
  return { issues, context, extraKeys };
}

/** One line of preference data: `input.messages`, then exactly one preferred and one non-preferred assistant reply. */
export function checkDpoExample(value: unknown): ExampleCheck {
  const issues: Issue[] = [];
  if (!isJsonObject(value))
    return { issues: [{ category: 'data_type', message: `line is ${preview(value)}, not an object` }], extraKeys: [] };
  const extraKeys = keysOutside(value, DPO_KEYS);
  let context: ExampleContext | undefined;
  const input = value.input;
  if (!isJsonObject(input) || !Array.isArray(input.messages) || input.messages.length === 0) {
    const hint =
      value.messages !== undefined
        ? ' (this looks like a chat example; DPO needs input/preferred_output/non_preferred_output)'
        : '';
    issues.push({
      category: 'dpo_invalid_input',
      message: `'input' must be an object with a non-empty 'messages' list${hint}`,
    });
  } else {
    context = checkMessageList(input, input.messages, DPO_INPUT_RULES, issues);
    const last = input.messages[input.messages.length - 1];
    if (isJsonObject(last) && last.role === 'assistant') {
      issues.push({
        category: 'dpo_invalid_input',
        message: "the last input message is an assistant's; preference outputs must be the final assistant turn",
      });
    }
  }
  for (const key of ['preferred_output', 'non_preferred_output'] as const) {
    const legacy = key.replace('_output', '_completion');
    const out = value[key];
    if (out === undefined) {
      const hint = value[legacy] !== undefined ? ` (found '${legacy}', a name from an erroneous spec; rename it)` : '';
      issues.push({ category: 'dpo_invalid_output', message: `'${key}' is missing${hint}` });
      continue;
    }
    if (!Array.isArray(out) || out.length !== 1) {
      issues.push({
        category: 'dpo_invalid_output',
        message: `'${key}' must be a list of exactly one assistant message`,
      });
      continue;
    }
    const m: unknown = out[0];
    if (!isJsonObject(m) || m.role !== 'assistant' || typeof m.content !== 'string' || m.content.trim() === '') {
      issues.push({
        category: 'dpo_invalid_output',
        message: `'${key}' must hold {role: "assistant", content: non-empty text}`,
      });
    } else checkText(m.content, key, issues);
  }
  if (samePreference(value)) {
    issues.push({ category: 'dpo_invalid_output', message: 'preferred and non-preferred outputs are identical' });
  }
  return { issues, context, extraKeys: extraKeys.filter((k) => !k.endsWith('_completion')) };
}

function samePreference(value: JsonObject): boolean {
  const a = Array.isArray(value.preferred_output) ? value.preferred_output[0] : undefined;
  const b = Array.isArray(value.non_preferred_output) ? value.non_preferred_output[0] : undefined;
  return isJsonObject(a) && isJsonObject(b) && typeof a.content === 'string' && a.content === b.content;
}

/** One line of reinforcement data: `messages` (developer/user/assistant/tool) plus any grader fields. */
export function checkReinforcementExample(value: unknown): ExampleCheck {
  const issues: Issue[] = [];
  if (!isJsonObject(value))
    return { issues: [{ category: 'data_type', message: `line is ${preview(value)}, not an object` }], extraKeys: [] };
  const extraKeys = keysOutside(value, RFT_RESERVED);
  const context = checkMessageList(value, value.messages, REINFORCEMENT_RULES, issues);
  return { issues, context, extraKeys };
}

function checkMessageList(
  owner: JsonObject,
  messages: unknown,
  rules: MessageRules,
  issues: Issue[],
): ExampleContext | undefined {
  const declared = declaredToolNames(owner, issues);
  if (!Array.isArray(messages) || messages.length === 0) {
    issues.push({
      category: 'missing_messages_list',
      message:
        messages === undefined ? "no 'messages' key" : `'messages' is ${preview(messages)}; expected a non-empty list`,
    });
    return undefined;
  }
  const ctx = newExampleContext(declared);
  for (let i = 0; i < messages.length; i++) checkMessage(messages[i], i, rules, ctx, issues);
  if (ctx.images > MAX_IMAGES_PER_EXAMPLE) {
    issues.push({
      category: 'too_many_images',
      message: `${ctx.images} images; at most ${MAX_IMAGES_PER_EXAMPLE} per example`,
    });
  }
  return ctx;
}
