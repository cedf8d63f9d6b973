import { isJsonObject, type JsonObject } from './jsonValue';
import type { TrainingMethod } from './messageChecks';

export interface TextMappers {
  /** Applied to message text: string content and text parts. */
  text: (s: string) => string;
  /** Applied to tool-call and function-call arguments (JSON strings: must not break their syntax). */
  args?: (s: string) => string;
}

/**
 * A copy of the example with every message text passed through the mappers; roles, ids, weights, images and
 * grader fields are left as they are. Covers chat/reinforcement `messages`, DPO `input.messages` and both outputs.
 */
export function mapExampleText(example: JsonObject, method: TrainingMethod, m: TextMappers): JsonObject {
  if (method === 'dpo') {
    const input = isJsonObject(example.input)
      ? { ...example.input, messages: mapMessages(example.input.messages, m) }
      : example.input;
    return {
      ...example,
      input,
      preferred_output: mapMessages(example.preferred_output, m),
      non_preferred_output: mapMessages(example.non_preferred_output, m),
    };
  }
  return { ...example, messages: mapMessages(example.messages, m) };
}

function mapMessages(messages: unknown, m: TextMappers): unknown {
  if (!Array.isArray(messages)) return messages;
  return messages.map((msg: unknown) => {
    if (!isJsonObject(msg)) return msg;
    const out: JsonObject = { ...msg };
    if (typeof msg.content === 'string') out.content = m.text(msg.content);
    else if (Array.isArray(msg.content)) {
      out.content = msg.content.map((p: unknown) =>
        isJsonObject(p) && p.type === 'text' && typeof p.text === 'string' ? { ...p, text: m.text(p.text) } : p,
      );
    }
    if (m.args && Array.isArray(msg.tool_calls)) {
      out.tool_calls = msg.tool_calls.map((c: unknown) =>
        isJsonObject(c) && isJsonObject(c.function) && typeof c.function.arguments === 'string'
          ? { ...c, function: { ...c.function, arguments: m.args!(c.function.arguments) } }
          : c,
      );
    }
    if (m.args && isJsonObject(msg.function_call) && typeof msg.function_call.arguments === 'string') {
      out.function_call = { ...msg.function_call, arguments: m.args(msg.function_call.arguments) };
    }
    return out;
  });
}

/**
 * The text near-duplicate detection compares: everything but system/developer prompts, which are usually shared by all
 * examples.
 */
export function similarityText(example: JsonObject, method: TrainingMethod): string {
  const parts: string[] = [];
  const collect = (messages: unknown) => {
    if (!Array.isArray(messages)) return;
    for (const msg of messages) {
      if (!isJsonObject(msg) || msg.role === 'system' || msg.role === 'developer') continue;
      if (typeof msg.content === 'string') parts.push(msg.content);
      else if (Array.isArray(msg.content))
        for (const p of msg.content) if (isJsonObject(p) && typeof p.text === 'string') parts.push(p.text);
    }
  };
  if (method === 'dpo') {
    collect(isJsonObject(example.input) ? example.input.messages : undefined);
    collect(example.preferred_output);
  } else collect(example.messages);
  return parts.join('\n');
}
