import { createHash } from 'node:crypto';
import { costUsd } from '../evalSuite/inferencePricing';
import { countExampleTokens } from '../dataset/exampleTokens';
import { modelProfile } from '../dataset/modelProfile';
import { ALL_PII_KINDS, scrubPii } from '../dataset/piiScrubber';
import { tokenCounter } from '../dataset/tokenCounter';
import type { CaptureSettings } from './captureSettings';

/** What the gateway hands over for one answered chat request (a subset of its `Exchange`). */
export interface CaptureInput {
  alias: string;
  requestedModel: string;
  model: string;
  variant: string;
  stream: boolean;
  request: Record<string, unknown>;
  /** The completion, or for a stream the chunks. */
  response: unknown;
  latencyMs: number;
}

/** One row of the capture store, scrubbed and capped: what is written, nothing else. */
export interface CaptureRow {
  responseId: string;
  alias: string;
  requestedModel: string;
  model: string;
  variant: string;
  stream: boolean;
  /** The scrubbed request as JSON, or null when it was over `maxRequestBytes`. */
  requestJson: string | null;
  /** The scrubbed answer text (null when the answer was over `maxResponseBytes` or had no text). */
  answer: string | null;
  /** The scrubbed response (the completion; for a stream, the chunks) as JSON, or null when over the cap. */
  responseJson: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  /** USD at list price (core/evalSuite/inferencePricing.ts); null for a model without a known price. */
  costUsd: number | null;
  latencyMs: number;
  at: number;
  expiresAt: number;
}

const KINDS = new Set(ALL_PII_KINDS);
const DAY_MS = 86_400_000;

type Completion = {
  id?: unknown;
  choices?: { message?: { content?: unknown }; delta?: { content?: unknown } }[];
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
};

/** The answer's ID (the completion's `id`, or a stream's first chunk's): what feedback names. */
export function responseIdOf(response: unknown): string | null {
  const first = (Array.isArray(response) ? response[0] : response) as Completion | undefined;
  return typeof first?.id === 'string' && first.id ? first.id : null;
}

/** Whether a response is in the sample: a hash of its ID, so the decision is the same wherever it is made. */
export function inSample(responseId: string, sampleRate: number): boolean {
  if (sampleRate >= 1) return true;
  if (sampleRate <= 0) return false;
  const n = createHash('sha256').update(responseId).digest().readUInt32BE(0);
  return n / 0x1_0000_0000 < sampleRate;
}

// Strings seen to hold nothing to scrub: the same system prompts, roles, model names and finish reasons come back in
// every exchange. Bounded (emptied when full), short strings only; a string in here scrubs to itself.
const CLEAN_MAX = 1024;
const CLEAN_MAX_CHARS = 4096;
const clean = new Set<string>();

/** `scrubPii` with every kind, remembering strings that came back unchanged. */
function scrub(text: string): string {
  if (clean.has(text)) return text;
  const out = scrubPii(text, KINDS, {});
  if (out === text && text.length <= CLEAN_MAX_CHARS) {
    if (clean.size >= CLEAN_MAX) clean.clear();
    clean.add(text);
  }
  return out;
}

/** Every string inside a JSON value with personal data and secrets replaced by placeholders. */
export function scrubJson(value: unknown): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map(scrubJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubJson(v)]));
  }
  return value;
}

function answerOf(response: unknown): string | null {
  const parts = (Array.isArray(response) ? response : [response]) as Completion[];
  const text = parts
    .map((p) => p?.choices?.[0]?.message?.content ?? p?.choices?.[0]?.delta?.content)
    .filter((c): c is string => typeof c === 'string')
    .join('');
  return text || null;
}

type Usage = { prompt: number | null; completion: number | null };

function usageOf(response: unknown): Usage | undefined {
  const parts = (Array.isArray(response) ? response : [response]) as Completion[];
  const usage = parts.map((p) => p?.usage).find((u) => u && typeof u.prompt_tokens === 'number');
  if (!usage) return undefined;
  return { prompt: Number(usage.prompt_tokens), completion: Number(usage.completion_tokens ?? 0) };
}

/**
 * A stream sent without `stream_options.include_usage` reports no usage: its tokens are counted with the model's
 * tokenizer instead (the data-prep rule, so a close estimate of what the provider bills).
 */
function countedUsage(input: CaptureInput): Usage {
  const counter = tokenCounter(modelProfile(input.model).encoding);
  const prompt = countExampleTokens({ messages: input.request.messages ?? [] }, 'supervised', counter);
  const answer = answerOf(input.response);
  if (!prompt || answer === null) return { prompt: null, completion: null };
  return { prompt: prompt.total, completion: counter.count(answer) };
}

/**
 * The row for one exchange, or null when it is not stored (no response ID, or outside the sample). PII is scrubbed
 * here, before anything is written; a body over its cap is left out whole.
 */
export function captureRow(input: CaptureInput, settings: CaptureSettings, at: number): CaptureRow | null {
  const responseId = responseIdOf(input.response);
  if (!responseId || !inSample(responseId, settings.sampleRate)) return null;
  const requestJson = JSON.stringify(scrubJson(input.request));
  const responseJson = JSON.stringify(scrubJson(input.response));
  const responseFits = Buffer.byteLength(responseJson) <= settings.maxResponseBytes;
  const answer = responseFits ? answerOf(input.response) : null;
  const usage = usageOf(input.response) ?? countedUsage(input);
  const cost = usage.prompt === null ? undefined : costUsd(input.model, usage.prompt, usage.completion ?? 0);
  return {
    responseId,
    alias: input.alias,
    requestedModel: input.requestedModel,
    model: input.model,
    variant: input.variant,
    stream: input.stream,
    requestJson: Buffer.byteLength(requestJson) <= settings.maxRequestBytes ? requestJson : null,
    answer: answer === null ? null : scrub(answer),
    responseJson: responseFits ? responseJson : null,
    promptTokens: usage.prompt,
    completionTokens: usage.completion,
    costUsd: cost ?? null,
    latencyMs: input.latencyMs,
    at,
    expiresAt: at + settings.retentionDays * DAY_MS,
  };
}
