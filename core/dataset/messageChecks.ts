import type { Issue } from './errorCategories';
import { isJsonObject, preview, type JsonObject } from './jsonValue';
import { findSpecialToken } from './specialTokens';

export type TrainingMethod = 'supervised' | 'dpo' | 'reinforcement';

/** What a message list may contain, per method, in OpenAI's fine-tuning data formats. */
export interface MessageRules {
  roles: ReadonlySet<string>;
  /** Roles whose content may carry `image_url` parts. */
  imageRoles: ReadonlySet<string>;
  /** Hint appended when a role is refused (e.g. "use developer instead of system"). */
  roleHint?: (role: string) => string | undefined;
}

export const SUPERVISED_RULES: MessageRules = {
  // `function` is deprecated but still accepted; `tool` is valid although the guide's notebook rejects it.
  roles: new Set(['system', 'user', 'assistant', 'tool', 'function']),
  imageRoles: new Set(['user']),
  roleHint: (r) => (r === 'developer' ? 'supervised fine-tuning has no developer role; use system' : undefined),
};

export const DPO_INPUT_RULES: MessageRules = {
  roles: new Set(['system', 'user', 'assistant', 'tool', 'function']),
  imageRoles: new Set(), // DPO is text only
};

export const REINFORCEMENT_RULES: MessageRules = {
  roles: new Set(['developer', 'user', 'assistant', 'tool']),
  imageRoles: new Set(['user']),
  roleHint: (r) => (r === 'system' ? 'reinforcement fine-tuning has no system role; use developer' : undefined),
};

const MESSAGE_KEYS = new Set(['role', 'content', 'name', 'weight', 'function_call', 'tool_calls', 'tool_call_id']);
export const MAX_IMAGES_PER_EXAMPLE = 10;

/** Per-example state the message checks share: declared tools, open tool calls, images seen. */
export interface ExampleContext {
  /** Function names declared by `tools`/`functions`; null when the example declares none. */
  declaredTools: Set<string> | null;
  openToolCallIds: Set<string>;
  images: number;
  assistantMessages: number;
  /** Assistant messages that train (weight absent or 1). */
  trainedAssistantMessages: number;
  hasSystem: boolean;
  hasUser: boolean;
}

export function newExampleContext(declaredTools: Set<string> | null): ExampleContext {
  return {
    declaredTools,
    openToolCallIds: new Set(),
    images: 0,
    assistantMessages: 0,
    trainedAssistantMessages: 0,
    hasSystem: false,
    hasUser: false,
  };
}

/**
 * Checks one message the way the provider reads it, under the guide's category names but without its mistakes:
 * `tool` messages, `tool_calls`, `weight`, image parts and `content: null` beside tool calls are all valid.
 */
export function checkMessage(
  msg: unknown,
  index: number,
  rules: MessageRules,
  ctx: ExampleContext,
  issues: Issue[],
): void {
  const where = `message ${index + 1}`;
  if (!isJsonObject(msg)) {
    issues.push({ category: 'data_type', message: `${where} is ${preview(msg)}, not an object` });
    return;
  }
  for (const key in msg) {
    if (!MESSAGE_KEYS.has(key))
      issues.push({ category: 'message_unrecognized_key', message: `${where} has unrecognized key '${key}'` });
  }
  const role = msg.role;
  if (role === undefined) issues.push({ category: 'message_missing_key', message: `${where} has no 'role'` });
  else if (typeof role !== 'string' || !rules.roles.has(role)) {
    const hint = typeof role === 'string' ? rules.roleHint?.(role) : undefined;
    issues.push({
      category: 'unrecognized_role',
      message: `${where} has role ${preview(role)}${hint ? ` (${hint})` : ''}`,
    });
  }
  const r = typeof role === 'string' ? role : '';
  if (r === 'system' || r === 'developer') ctx.hasSystem = true;
  else if (r === 'user') ctx.hasUser = true;

  const hasCalls = msg.tool_calls !== undefined || msg.function_call !== undefined;
  if (r === 'assistant') {
    ctx.assistantMessages++;
    if (msg.weight === undefined || msg.weight === 1) ctx.trainedAssistantMessages++;
  }

  // Content: required except on an assistant turn that calls tools.
  if (!('content' in msg)) {
    if (!(r === 'assistant' && hasCalls))
      issues.push({ category: 'message_missing_key', message: `${where} has no 'content'` });
  } else checkContent(msg.content, where, r, hasCalls, rules, ctx, issues);

  if (msg.name !== undefined && typeof msg.name !== 'string') {
    issues.push({ category: 'message_unrecognized_key', message: `${where} has a non-string 'name'` });
  }
  if (msg.weight !== undefined) {
    if (r !== 'assistant')
      issues.push({
        category: 'invalid_weight',
        message: `${where} (${r || 'no role'}) has 'weight'; only assistant messages may`,
      });
    else if (msg.weight !== 0 && msg.weight !== 1)
      issues.push({ category: 'invalid_weight', message: `${where} has weight ${preview(msg.weight)}; only 0 or 1` });
  }
  if (msg.tool_calls !== undefined) checkToolCalls(msg.tool_calls, where, r, ctx, issues);
  if (msg.function_call !== undefined) checkFunctionCall(msg.function_call, where, r, ctx, issues);
  if (r === 'tool') {
    const id = msg.tool_call_id;
    if (typeof id !== 'string' || id === '')
      issues.push({ category: 'message_missing_key', message: `${where} (tool) has no 'tool_call_id'` });
    else if (!ctx.openToolCallIds.has(id))
      issues.push({
        category: 'invalid_tool_call',
        message: `${where} answers tool_call_id '${id}', which no earlier assistant message called`,
      });
  } else if (msg.tool_call_id !== undefined) {
    issues.push({
      category: 'message_unrecognized_key',
      message: `${where} (${r || 'no role'}) has 'tool_call_id'; only tool messages may`,
    });
  }
}

function checkContent(
  content: unknown,
  where: string,
  role: string,
  hasCalls: boolean,
  rules: MessageRules,
  ctx: ExampleContext,
  issues: Issue[],
): void {
  if (typeof content === 'string') {
    if (content === '' && !hasCalls)
      issues.push({ category: 'missing_content', message: `${where} has empty content` });
    checkText(content, where, issues);
    return;
  }
  if (content === null) {
    if (!(role === 'assistant' && hasCalls))
      issues.push({ category: 'missing_content', message: `${where} has null content without tool calls` });
    return;
  }
  if (!Array.isArray(content)) {
    issues.push({
      category: 'missing_content',
      message: `${where} has content ${preview(content)}; expected text or a list of parts`,
    });
    return;
  }
  if (content.length === 0) {
    issues.push({ category: 'missing_content', message: `${where} has an empty content list` });
    return;
  }
  content.forEach((part: unknown, j) => {
    const at = `${where} part ${j + 1}`;
    if (!isJsonObject(part)) {
      issues.push({ category: 'invalid_content_part', message: `${at} is ${preview(part)}, not an object` });
    } else if (part.type === 'text') {
      if (typeof part.text !== 'string')
        issues.push({ category: 'invalid_content_part', message: `${at} is a text part without string 'text'` });
      else checkText(part.text, at, issues);
    } else if (part.type === 'image_url') {
      ctx.images++;
      if (!rules.imageRoles.has(role)) {
        issues.push({
          category: 'invalid_content_part',
          message:
            `${at} is an image in a ${role || 'role-less'} message; images are allowed only in ` +
            `${[...rules.imageRoles].join('/') || 'no'} messages here`,
        });
      }
      const url = isJsonObject(part.image_url) ? part.image_url.url : undefined;
      if (
        typeof url !== 'string' ||
        !(url.startsWith('https://') || url.startsWith('http://') || url.startsWith('data:image/'))
      ) {
        issues.push({
          category: 'invalid_content_part',
          message: `${at} needs image_url.url as an http(s) or data:image/ URL`,
        });
      }
    } else {
      issues.push({
        category: 'invalid_content_part',
        message: `${at} has type ${preview(part.type)}; only text and image_url are supported`,
      });
    }
  });
}

export function checkText(text: string, where: string, issues: Issue[]): void {
  const special = findSpecialToken(text);
  if (special) issues.push({ category: 'special_token', message: `${where} contains ${special}` });
}

function checkToolCalls(calls: unknown, where: string, role: string, ctx: ExampleContext, issues: Issue[]): void {
  if (role !== 'assistant') {
    issues.push({
      category: 'message_unrecognized_key',
      message: `${where} (${role || 'no role'}) has 'tool_calls'; only assistant messages may`,
    });
    return;
  }
  if (!Array.isArray(calls) || calls.length === 0) {
    issues.push({
      category: 'invalid_tool_call',
      message: `${where} has tool_calls ${preview(calls)}; expected a non-empty list`,
    });
    return;
  }
  calls.forEach((call: unknown, j) => {
    const at = `${where} tool call ${j + 1}`;
    if (!isJsonObject(call) || !isJsonObject(call.function)) {
      issues.push({
        category: 'invalid_tool_call',
        message: `${at} is not {id, type: "function", function: {name, arguments}}`,
      });
      return;
    }
    if (typeof call.id !== 'string' || call.id === '')
      issues.push({ category: 'invalid_tool_call', message: `${at} has no id` });
    else ctx.openToolCallIds.add(call.id);
    if (call.type !== undefined && call.type !== 'function')
      issues.push({
        category: 'invalid_tool_call',
        message: `${at} has type ${preview(call.type)}; expected "function"`,
      });
    checkCallee(call.function, at, ctx, issues);
  });
}

function checkFunctionCall(fc: unknown, where: string, role: string, ctx: ExampleContext, issues: Issue[]): void {
  if (role !== 'assistant') {
    issues.push({
      category: 'message_unrecognized_key',
      message: `${where} (${role || 'no role'}) has 'function_call'; only assistant messages may`,
    });
    return;
  }
  if (!isJsonObject(fc)) {
    issues.push({
      category: 'invalid_tool_call',
      message: `${where} has function_call ${preview(fc)}; expected {name, arguments}`,
    });
    return;
  }
  checkCallee(fc, `${where} function_call`, ctx, issues);
}

/** `{name, arguments}`: the name must be declared and the arguments a JSON string, as the model will have to emit. */
function checkCallee(fn: JsonObject, at: string, ctx: ExampleContext, issues: Issue[]): void {
  const name = fn.name;
  if (typeof name !== 'string' || name === '')
    issues.push({ category: 'invalid_tool_call', message: `${at} has no function name` });
  else if (ctx.declaredTools === null)
    issues.push({ category: 'undeclared_tool', message: `${at} calls '${name}' but the example declares no tools` });
  else if (!ctx.declaredTools.has(name))
    issues.push({
      category: 'undeclared_tool',
      message: `${at} calls '${name}', which is not among the declared tools (${[...ctx.declaredTools].join(', ')})`,
    });
  const args = fn.arguments;
  if (typeof args !== 'string')
    issues.push({
      category: 'invalid_tool_call',
      message: `${at} has arguments ${preview(args)}; expected a JSON string`,
    });
  else {
    try {
      JSON.parse(args);
    } catch {
      issues.push({
        category: 'invalid_tool_call',
        message: `${at} has arguments that are not valid JSON: ${preview(args)}`,
      });
    }
  }
}

/**
 * Reads `tools` (and the deprecated `functions`) into the set of callable names, reporting malformed definitions.
 * Returns null when the example declares nothing.
 */
export function declaredToolNames(example: JsonObject, issues: Issue[]): Set<string> | null {
  if (example.parallel_tool_calls !== undefined && typeof example.parallel_tool_calls !== 'boolean') {
    issues.push({
      category: 'invalid_tools',
      message: `'parallel_tool_calls' is ${preview(example.parallel_tool_calls)}; expected true or false`,
    });
  }
  if (example.tools === undefined && example.functions === undefined) return null; // the common case, kept cheap
  const names = new Set<string>();
  const add = (n: string) => names.add(n);
  if (example.tools !== undefined) {
    if (!Array.isArray(example.tools))
      issues.push({ category: 'invalid_tools', message: `'tools' is ${preview(example.tools)}; expected a list` });
    else {
      example.tools.forEach((t: unknown, j) => {
        const fn = isJsonObject(t) ? t.function : undefined;
        if (
          !isJsonObject(t) ||
          (t.type !== undefined && t.type !== 'function') ||
          !isJsonObject(fn) ||
          typeof fn.name !== 'string' ||
          fn.name === ''
        ) {
          issues.push({
            category: 'invalid_tools',
            message: `tool ${j + 1} is not {type: "function", function: {name, ...}}`,
          });
        } else add(fn.name);
      });
    }
  }
  if (example.functions !== undefined) {
    if (!Array.isArray(example.functions))
      issues.push({
        category: 'invalid_tools',
        message: `'functions' is ${preview(example.functions)}; expected a list`,
      });
    else {
      example.functions.forEach((f: unknown, j) => {
        if (!isJsonObject(f) || typeof f.name !== 'string' || f.name === '')
          issues.push({ category: 'invalid_tools', message: `function ${j + 1} has no name` });
        else add(f.name);
      });
    }
  }
  return names.size > 0 ? names : null;
}
