/**
 * Builds a `chat.completion` from a learner's reply: n choices (argmax at temperature 0, sampled
 * from softmax(logit / temperature) otherwise, seeded by `seed`), `response_format` (json_schema
 * filled from the reply, json_object), `stop`, `max_completion_tokens` (truncation with
 * finish_reason `length`), optional logprobs, and `usage` on every response.
 */
import type { LearnerMessage, LearnerReply } from '../learners/chatTypes';
import { fillSchema } from '../learners/jsonSchemaFill';
import { labelScores } from '../learners/zeroShot';
import { mulberry32, sampleIndex, type Rng } from '../../../core/stats/rng';
import { encode, decode } from 'gpt-tokenizer';
import { newCompletionId, nowSeconds } from '../store/ids';
import type { ChatCompletionRequest } from '../schemas/chatCompletionRequest';
import { countTextTokens, truncateToTokens } from './tokens';

export interface BuiltChoice {
  index: number;
  message: { role: 'assistant'; content: string; refusal: null; annotations: [] };
  logprobs: null | { content: unknown[]; refusal: null };
  finish_reason: 'stop' | 'length';
}

export interface ChatCompletionObject {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: BuiltChoice[];
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
    completion_tokens_details: {
      reasoning_tokens: number;
      audio_tokens: number;
      accepted_prediction_tokens: number;
      rejected_prediction_tokens: number;
    };
  };
  service_tier: 'default';
  system_fingerprint: string;
}

export const SYSTEM_FINGERPRINT = 'fp_tailorlocal';

function probabilities(reply: LearnerReply, temperature: number): number[] {
  const t = Math.max(temperature, 1e-3);
  const max = Math.max(...reply.candidates.map((c) => c.logit));
  return reply.candidates.map((c) => Math.exp((c.logit - max) / t));
}

function alternativesOf(reply: LearnerReply, temperature: number): { text: string; prob: number }[] {
  const w = probabilities(reply, temperature || 1);
  const total = w.reduce((a, x) => a + x, 0);
  return reply.candidates.map((c, i) => ({ text: c.text, prob: total > 0 ? w[i]! / total : 0 }));
}

function chooseText(reply: LearnerReply, temperature: number, rng: Rng): { text: string; prob: number } {
  const weights = probabilities(reply, temperature || 1);
  const total = weights.reduce((s, w) => s + w, 0);
  const i = temperature === 0 ? 0 : sampleIndex(weights, rng);
  return { text: reply.candidates[i]?.text ?? '', prob: total > 0 ? weights[i]! / total : 1 };
}

function applyStop(text: string, stop: string | string[] | null | undefined): string {
  const stops = stop == null ? [] : Array.isArray(stop) ? stop : [stop];
  let cut = text.length;
  for (const s of stops) {
    const i = s ? text.indexOf(s) : -1;
    if (i >= 0 && i < cut) cut = i;
  }
  return text.slice(0, cut);
}

/**
 * Token logprobs for a reply. The learner decides between whole candidate replies, so the first
 * token carries the log-probability of the chosen reply and later tokens are certain (0); the first
 * token's alternatives are the first tokens of the other candidates, with their reply probabilities.
 */
function logprobsFor(text: string, prob: number, top: number, alternatives: { text: string; prob: number }[]) {
  const ids = encode(text);
  const entry = (token: string, logprob: number) => ({ token, logprob, bytes: [...Buffer.from(token)] });
  return {
    content: ids.map((id, i) => {
      const token = decode([id]);
      const logprob = i === 0 ? Math.log(Math.max(prob, 1e-12)) : 0;
      let tops: ReturnType<typeof entry>[] = [];
      if (top > 0) {
        if (i === 0) {
          const seen = new Map<string, number>([[token, logprob]]);
          for (const alt of alternatives) {
            const first = alt.text ? decode([encode(alt.text)[0]!]) : '';
            if (first && !seen.has(first)) seen.set(first, Math.log(Math.max(alt.prob, 1e-12)));
          }
          tops = [...seen]
            .sort((a, b) => b[1] - a[1])
            .slice(0, top)
            .map(([t, lp]) => entry(t, lp));
        } else tops = [entry(token, 0)];
      }
      return { ...entry(token, logprob), top_logprobs: tops };
    }),
    refusal: null,
  };
}

export function buildChatCompletion(
  req: ChatCompletionRequest,
  messages: readonly LearnerMessage[],
  reply: LearnerReply,
  promptTokens: number,
  respond?: (messages: readonly LearnerMessage[]) => LearnerReply,
): ChatCompletionObject {
  const temperature = req.temperature ?? 1;
  const rng = mulberry32(req.seed ?? Math.floor(Math.random() * 2 ** 32));
  const n = req.n ?? 1;
  const max = req.max_completion_tokens ?? req.max_tokens ?? null;
  const choices: BuiltChoice[] = [];
  let completionTokens = 0;
  for (let index = 0; index < n; index++) {
    const picked = chooseText(reply, temperature, rng);
    let text = picked.text;
    const format = req.response_format;
    if (format?.type === 'json_schema') {
      const root = (format.json_schema.schema ?? { type: 'object', properties: {} }) as Record<string, unknown>;
      const value = fillSchema(root, {
        reply: { ...reply, candidates: [{ text, logit: 0 }, ...reply.candidates] },
        confidence: picked.prob,
        root,
        choose: (options) => chooseAmong(options, reply, messages, respond),
      });
      text = JSON.stringify(value);
    } else if (format?.type === 'json_object') {
      text = JSON.stringify({ answer: text });
    }
    text = applyStop(text, req.stop);
    let finish: BuiltChoice['finish_reason'] = 'stop';
    let tokens: number;
    if (max !== null) {
      const t = truncateToTokens(text, max);
      text = t.text;
      tokens = t.tokens;
      if (t.truncated) finish = 'length';
    } else tokens = countTextTokens(text);
    completionTokens += tokens;
    choices.push({
      index,
      message: { role: 'assistant', content: text, refusal: null, annotations: [] },
      logprobs: req.logprobs
        ? logprobsFor(text, picked.prob, req.top_logprobs ?? 0, alternativesOf(reply, temperature))
        : null,
      finish_reason: finish,
    });
  }
  return {
    id: newCompletionId(),
    object: 'chat.completion',
    created: nowSeconds(),
    model: req.model,
    choices,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

/**
 * The learner's preferred candidate among fixed options (an enum in the schema). When its reply
 * names none of them, the learner is asked again with the options offered as the label list, the
 * way a schema's enum constrains a real model's answer.
 */
function chooseAmong(
  options: string[],
  reply: LearnerReply,
  messages: readonly LearnerMessage[],
  respond?: (messages: readonly LearnerMessage[]) => LearnerReply,
): string {
  const set = new Map(options.map((o) => [o.toLowerCase(), o]));
  const pick = (r: LearnerReply) => {
    for (const c of r.candidates) {
      const hit = set.get(c.text.trim().toLowerCase());
      if (hit) return hit;
    }
    return undefined;
  };
  const direct = pick(reply);
  if (direct) return direct;
  if (respond) {
    const constrained = pick(
      respond([{ role: 'system', content: `Answer with one of these labels: ${options.join(', ')}.` }, ...messages]),
    );
    if (constrained) return constrained;
  }
  const last = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const scores = labelScores(
    last,
    options.map((label) => ({ label, description: '' })),
  );
  let best = 0;
  scores.forEach((s, i) => {
    if (s > scores[best]!) best = i;
  });
  return options[best]!;
}

/** The same completion as server-sent `chat.completion.chunk` events (for `stream: true`). */
export function toChunks(c: ChatCompletionObject, includeUsage: boolean): unknown[] {
  const base = {
    id: c.id,
    object: 'chat.completion.chunk',
    created: c.created,
    model: c.model,
    system_fingerprint: c.system_fingerprint,
    service_tier: c.service_tier,
  };
  const out: unknown[] = [];
  for (const ch of c.choices) {
    out.push({
      ...base,
      choices: [
        {
          index: ch.index,
          delta: { role: 'assistant', content: '', refusal: null },
          logprobs: null,
          finish_reason: null,
        },
      ],
    });
    out.push({
      ...base,
      choices: [
        { index: ch.index, delta: { content: ch.message.content }, logprobs: ch.logprobs, finish_reason: null },
      ],
    });
    out.push({ ...base, choices: [{ index: ch.index, delta: {}, logprobs: null, finish_reason: ch.finish_reason }] });
  }
  if (includeUsage) out.push({ ...base, choices: [], usage: c.usage });
  return out;
}
