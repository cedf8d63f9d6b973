/**
 * `/v1/chat/completions` and `/v1/embeddings`: the hot paths. Both take their share of the
 * RPM/TPM buckets before answering (prompt tokens plus the requested completion budget, as OpenAI
 * counts them) and report `usage`.
 */
import { ApiError, invalidRequest, modelNotFound } from '../http/apiError';
import { readJson } from '../http/readBody';
import { json, type Route } from '../http/route';
import { parseBody } from '../http/validate';
import { baseModel } from '../catalog/baseModels';
import type { ModelRegistry } from '../inference/modelRegistry';
import type { RateLimiter } from '../limits/rateLimiter';
import { buildChatCompletion, toChunks } from '../inference/chatCompletion';
import { countChatTokens, countTextTokens } from '../inference/tokens';
import { chatCompletionRequestSchema, messageText } from '../schemas/chatCompletionRequest';
import { embeddingRequestSchema } from '../schemas/embeddingRequest';
import { embed, DEFAULT_EMBEDDING_DIMENSIONS } from '../learners/embeddings';
import { UsageCounter } from '../limits/usageCounter';
import { checkCompletionBudget } from './completionBudget';

export function inferenceRoutes(models: ModelRegistry, limiter: RateLimiter, usage = new UsageCounter()): Route[] {
  return [
    usage.route(),
    {
      method: 'POST',
      pattern: /^\/v1\/chat\/completions$/,
      name: 'chat',
      async handler({ req }) {
        const body = parseBody(chatCompletionRequestSchema, await readJson(req));
        const responder = models.responder(body.model);
        if (!responder) {
          if (baseModel(body.model)?.kind === 'embedding') {
            throw new ApiError(
              404,
              'This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you ' +
                'mean to use v1/completions?',
              'invalid_request_error',
              'model',
              null,
            );
          }
          throw modelNotFound(body.model);
        }
        if (body.top_logprobs != null && body.top_logprobs > 0 && !body.logprobs) {
          throw invalidRequest(
            "Invalid value for 'top_logprobs': 'logprobs' must be set to true.",
            'top_logprobs',
            'invalid_value',
          );
        }
        checkCompletionBudget(body.model, body);
        const messages = body.messages.map((m) => ({ role: m.role, content: messageText(m), name: m.name }));
        const promptTokens = countChatTokens(messages);
        limiter.take(body.model, promptTokens + (body.max_completion_tokens ?? body.max_tokens ?? 0) * (body.n ?? 1));
        usage.chat.requests++;
        usage.chat.promptTokens += promptTokens;
        const completion = buildChatCompletion(body, messages, responder(messages), promptTokens, responder);
        if (body.stream)
          return { kind: 'sse', events: toChunks(completion, body.stream_options?.include_usage === true) };
        return json(completion);
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/embeddings$/,
      name: 'embeddings',
      async handler({ req }) {
        const body = parseBody(embeddingRequestSchema, await readJson(req));
        const defaultDims = DEFAULT_EMBEDDING_DIMENSIONS[body.model];
        if (defaultDims === undefined) {
          if (models.get(body.model))
            throw invalidRequest(`Model ${body.model} does not support embeddings.`, 'model', 'invalid_model');
          throw modelNotFound(body.model);
        }
        if (body.dimensions !== undefined) {
          if (body.model === 'text-embedding-ada-002')
            throw invalidRequest('This model does not support specifying dimensions.', 'dimensions', 'invalid_value');
          if (body.dimensions > defaultDims)
            throw invalidRequest(
              `Invalid value for 'dimensions' = ${body.dimensions}. Must be at most ${defaultDims}.`,
              'dimensions',
              'invalid_value',
            );
        }
        const dims = body.dimensions ?? defaultDims;
        // Token inputs are embedded through their ids' text, so equal token lists get equal vectors.
        const inputs: string[] =
          typeof body.input === 'string'
            ? [body.input]
            : (body.input as unknown[]).map((x) =>
                typeof x === 'string' ? x : Array.isArray(x) ? x.join(' ') : String(x),
              );
        if (typeof body.input !== 'string' && typeof (body.input as unknown[])[0] === 'number')
          inputs.splice(0, inputs.length, (body.input as number[]).join(' '));
        if (inputs.some((s) => s.length === 0))
          throw invalidRequest(
            "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
            'input',
            'invalid_value',
          );
        const tokens = inputs.reduce((s, t) => s + countTextTokens(t), 0);
        limiter.take(body.model, tokens);
        usage.embeddings.requests++;
        usage.embeddings.inputs += inputs.length;
        usage.embeddings.tokens += tokens;
        const base64 = body.encoding_format === 'base64';
        const data = inputs.map((text, index) => {
          const v = embed(text, dims);
          return {
            object: 'embedding',
            index,
            embedding: base64 ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : Array.from(v),
          };
        });
        return json({
          object: 'list',
          data,
          model: body.model,
          usage: { prompt_tokens: tokens, total_tokens: tokens },
        });
      },
    },
  ];
}
