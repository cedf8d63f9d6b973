import { isJsonObject, type JsonObject } from './jsonValue';
import type { TrainingMethod } from './messageChecks';
import type { TokenCounter } from './tokenCounter';

export interface ExampleTokens {
  total: number;
  /** Tokens of assistant output (the part the model learns to produce). */
  assistant: number;
  messages: number;
}

/** OpenAI bills a low-detail image at 85 tokens; without fetching the image that is the only honest lower bound. */
export const IMAGE_TOKENS = 85;

/**
 * Token count of one example by the data-prep guide's rule, so figures match its notebook and tiktoken: per
 * message 3 tokens plus the encoded text of every string value (role, content, name), +1 for `name`; +3 per example.
 * Where the guide crashes (non-string values) we count what the model sees: text parts, 85 per image, tool-call
 * names and arguments, nothing for `weight`; declared tools as their JSON.
 */
export function countExampleTokens(
  value: unknown,
  method: TrainingMethod,
  counter: TokenCounter,
): ExampleTokens | undefined {
  if (!isJsonObject(value)) return undefined;
  const acc: ExampleTokens = { total: 3, assistant: 0, messages: 0 };
  if (method === 'dpo') {
    const input = value.input;
    if (!isJsonObject(input) || !Array.isArray(input.messages)) return undefined;
    addMessages(input.messages, counter, acc);
    addTools(input, counter, acc);
    for (const key of ['preferred_output', 'non_preferred_output']) {
      const out = value[key];
      if (Array.isArray(out)) addMessages(out, counter, acc);
    }
    return acc;
  }
  if (!Array.isArray(value.messages)) return undefined;
  addMessages(value.messages, counter, acc);
  addTools(value, counter, acc);
  return acc;
}

function addTools(owner: JsonObject, counter: TokenCounter, acc: ExampleTokens): void {
  for (const key of ['tools', 'functions']) {
    const v = owner[key];
    if (v !== undefined) acc.total += counter.count(JSON.stringify(v));
  }
}

function addMessages(messages: unknown[], counter: TokenCounter, acc: ExampleTokens): void {
  for (const msg of messages) {
    if (!isJsonObject(msg)) continue;
    acc.messages++;
    acc.total += 3;
    const isAssistant = msg.role === 'assistant';
    for (const key in msg) {
      const v = msg[key];
      let n = 0;
      if (typeof v === 'string') {
        n = counter.count(v);
        if (key === 'name') acc.total += 1;
      } else if (key === 'content') n = contentPartTokens(v, counter);
      else if (key === 'tool_calls') n = toolCallTokens(v, counter);
      else if (key === 'function_call' && isJsonObject(v)) n = calleeTokens(v, counter);
      acc.total += n;
      if (isAssistant && (key === 'content' || key === 'tool_calls' || key === 'function_call')) acc.assistant += n;
    }
  }
}

function contentPartTokens(content: unknown, counter: TokenCounter): number {
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) {
    if (!isJsonObject(part)) continue;
    if (part.type === 'text' && typeof part.text === 'string') n += counter.count(part.text);
    else if (part.type === 'image_url') n += IMAGE_TOKENS;
  }
  return n;
}

function toolCallTokens(calls: unknown, counter: TokenCounter): number {
  if (!Array.isArray(calls)) return 0;
  let n = 0;
  for (const c of calls) if (isJsonObject(c) && isJsonObject(c.function)) n += calleeTokens(c.function, counter);
  return n;
}

function calleeTokens(fn: JsonObject, counter: TokenCounter): number {
  return (
    (typeof fn.name === 'string' ? counter.count(fn.name) : 0) +
    (typeof fn.arguments === 'string' ? counter.count(fn.arguments) : 0)
  );
}
