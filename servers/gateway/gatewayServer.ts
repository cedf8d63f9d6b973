/**
 * `tailor gateway`: an OpenAI-compatible endpoint in front of every provider Tailor deploys to. `model` may be a
 * model ID or `NAME@ALIAS` (resolved through the registry by servers/gateway/modelRouter.ts); the request is
 * forwarded with the `openai` SDK, a stream chunk by chunk; provider errors pass through in OpenAI's shape; every
 * answer names the model that gave it in `x-tailor-model`. A shadow copy is sent only after the client has its
 * answer, and its answer goes to servers/gateway/shadowLog.ts, never to the client.
 */
import http from 'node:http';
import type OpenAI from 'openai';
import { z } from 'zod';
import { bearerTokenMatches } from '../../core/auth/bearerToken';
import { CaptureFeedbackSchema } from '../../core/capture/captureFeedback';
import type { ProviderSpec } from '../../core/spec/providerSpec';
import { UnknownResponseError } from '../../stores/capture/captureStore';
import type { CaptureWriter } from '../../stores/capture/captureWriter';
import type { RegistryBackend } from '../../stores/registry/registryBackend';
import { LoopbackHttpError, requestError, sendJsonError } from '../loopback/httpError';
import { listenLoopback, type ListeningServer } from '../loopback/listen';
import { readLimitedJson } from '../loopback/readBody';
import { guardLoopbackRequest } from '../loopback/requestGuards';
import { EMPTY_GATEWAY_CONFIG, type GatewayConfig } from './gatewayConfig';
import { ModelRouter, type Route, type Target } from './modelRouter';
import { ShadowLog } from './shadowLog';
import { isClientAbort, upstreamError } from './upstreamError';

export const DEFAULT_GATEWAY_PORT = 8400;

/** One request and its outcome, handed to `onExchange` after the client has its answer (the capture seam). */
export interface Exchange {
  endpoint: 'chat.completions' | 'embeddings';
  requestedModel: string;
  alias: string | null;
  model: string;
  variant: Route['variant'];
  userKey: string | null;
  stream: boolean;
  request: Record<string, unknown>;
  /** The answer (for a stream: the chunks), or null when it failed. */
  response: unknown;
  status: number;
  /** `client_closed` when the client went away before the answer was complete. */
  error: string | null;
  latencyMs: number;
}

export interface GatewayOptions {
  registry: RegistryBackend;
  /** An `openai` client for a provider (the CLI passes providers/openai/client.ts's providerClient). */
  clientFor: (provider: ProviderSpec) => OpenAI;
  /** Where shadow answers are written (`shadow.jsonl`). */
  storeDir: string;
  config?: GatewayConfig;
  /** TCP port; 0 picks a free one. @default 8400 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** How long a resolved alias is reused before the registry is read again. @default 1000 */
  aliasTtlMs?: number;
  /** @default 4 MiB */
  maxBodyBytes?: number;
  allowedOrigins?: string[];
  /** Called once per finished exchange; must not throw (errors are logged and dropped). */
  onExchange?: (exchange: Exchange) => void;
  /**
   * Where answered chat requests of aliases with a `capture:` policy are queued (stores/capture/captureWriter.ts),
   * after the client has its answer; it also takes `POST /v1/feedback` naming a captured response ID.
   */
  capture?: CaptureWriter;
  /** Decides canary and shadow shares for requests with no user key. @default Math.random */
  random?: () => number;
}

export interface Gateway extends ListeningServer {
  shadowLog: ShadowLog;
  /** Resolves once every shadow request started so far is recorded. */
  settled(): Promise<void>;
}

const RequestBody = z.looseObject({ stream: z.boolean().nullish(), user: z.string().nullish() });
type RequestBody = z.infer<typeof RequestBody>;

const CORS = { methods: 'GET, POST, OPTIONS', headers: 'content-type, authorization, x-tailor-user' };

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const router = new ModelRouter(opts.registry, opts.config ?? EMPTY_GATEWAY_CONFIG, opts.aliasTtlMs, opts.random);
  const shadowLog = new ShadowLog(opts.storeDir);
  const pending = new Set<Promise<void>>();
  const limit = opts.maxBodyBytes ?? 4 * 1024 * 1024;
  const policy = { allowedOrigins: opts.allowedOrigins ?? [], cors: CORS };

  const clientOf = (target: Target): OpenAI => {
    try {
      return opts.clientFor(target.provider);
    } catch (err) {
      const message = `no client for model '${target.model}' (${target.provider.type}): ${(err as Error).message}`;
      throw new LoopbackHttpError(502, message, 'server_error', null, 'provider_not_configured');
    }
  };

  const config = opts.config ?? EMPTY_GATEWAY_CONFIG;
  const captured = (alias: string | null | undefined) =>
    opts.capture && alias ? config.aliases[alias]?.capture : undefined;
  const capture = (e: Exchange) => {
    const settings = captured(e.alias);
    if (!settings || !opts.capture || e.endpoint !== 'chat.completions' || e.status !== 200 || e.error) return;
    opts.capture.offer({ ...e, alias: e.alias! }, settings);
  };
  const report = (exchange: Exchange) => {
    capture(exchange);
    if (!opts.onExchange) return;
    try {
      opts.onExchange(exchange);
    } catch (err) {
      console.error(`tailor gateway: onExchange failed: ${(err as Error).message}`);
    }
  };

  const shadow = (route: Route, body: RequestBody) => {
    const target = route.shadow!;
    const started = Date.now();
    // Never streamed: stream_options is only valid with stream: true.
    const { stream_options: _streamOptions, ...rest } = body;
    const request = { ...rest, model: target.model, stream: false };
    const task = (async () => {
      let response: unknown = null;
      let error: string | null = null;
      try {
        const params = request as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
        response = await clientOf(target).chat.completions.create(params);
      } catch (err) {
        error = upstreamError(err, target.model).message;
      }
      await shadowLog.append({
        at: new Date().toISOString(),
        alias: route.alias ?? null,
        servedModel: route.model,
        shadowModel: target.model,
        request: body,
        response,
        error,
        latencyMs: Date.now() - started,
      });
    })().catch((err: unknown) => console.error(`tailor gateway: shadow record failed: ${(err as Error).message}`));
    pending.add(task);
    void task.finally(() => pending.delete(task));
  };

  const forward = async (
    endpoint: Exchange['endpoint'],
    body: RequestBody,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> => {
    const started = Date.now();
    const header = req.headers['x-tailor-user'];
    const userKey = body.user ?? (typeof header === 'string' && header ? header : undefined);
    const route = await router.route(body.model, userKey);
    const client = clientOf(route);
    const request = { ...body, model: route.model };
    const stream = endpoint === 'chat.completions' && body.stream === true;
    const tailorHeaders = { 'x-tailor-model': route.model, 'x-tailor-variant': route.variant };
    // The client going away aborts the provider request: nothing keeps generating for nobody.
    const abort = new AbortController();
    const socket = req.socket;
    const gone = () => abort.abort();
    if (socket.destroyed) gone();
    else socket.once('close', gone);
    res.once('finish', () => socket.off('close', gone));
    const exchange = (status: number, response: unknown, error: string | null): Exchange => ({
      endpoint,
      requestedModel: String(body.model),
      alias: route.alias ?? null,
      model: route.model,
      variant: route.variant,
      userKey: userKey ?? null,
      stream,
      request,
      response,
      status,
      error,
      latencyMs: Date.now() - started,
    });
    try {
      if (stream) {
        const params = request as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming;
        const chunks = await client.chat.completions.create(params, { signal: abort.signal });
        res.writeHead(200, { ...tailorHeaders, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        const seen: unknown[] = [];
        for await (const chunk of chunks) {
          seen.push(chunk);
          res.write(`data: ${JSON.stringify(chunk)}\n\n`);
        }
        res.end('data: [DONE]\n\n');
        report(exchange(200, seen, null));
      } else {
        let payload: string;
        let response: Response;
        if (endpoint === 'embeddings') {
          // The SDK asks for base64 and decodes it: what the client asked for is the parsed result.
          const params = request as unknown as OpenAI.EmbeddingCreateParams;
          const answer = await client.embeddings.create(params, { signal: abort.signal }).withResponse();
          payload = JSON.stringify(answer.data);
          response = answer.response;
        } else {
          // The provider's JSON goes through as it came: no parse and re-serialise on the hot path.
          const params = request as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
          response = await client.chat.completions.create(params, { signal: abort.signal }).asResponse();
          payload = await response.text();
        }
        const requestId = response.headers.get('x-request-id');
        res.writeHead(200, {
          ...tailorHeaders,
          ...(requestId ? { 'x-request-id': requestId } : {}),
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(payload)),
        });
        res.end(payload);
        if (opts.onExchange || captured(route.alias)) report(exchange(200, JSON.parse(payload), null));
      }
    } catch (err) {
      if (isClientAbort(err) || abort.signal.aborted) {
        report(exchange(499, null, 'client_closed'));
        res.end();
        return;
      }
      const failure = upstreamError(err, route.model);
      report(exchange(failure.status, null, failure.message));
      if (res.headersSent) {
        // Mid-stream: the status is already 200; the error goes out as a last event, as OpenAI does.
        res.end(`data: ${JSON.stringify(failure.body())}\n\n`);
        return;
      }
      for (const [name, value] of Object.entries(tailorHeaders)) res.setHeader(name, value);
      throw failure;
    }
    if (route.shadow && endpoint === 'chat.completions') shadow(route, body);
  };

  const models = async (res: http.ServerResponse): Promise<void> => {
    let upstream: OpenAI.Models.Model[] = [];
    try {
      for await (const m of clientOf(router.defaultTarget('(models)')).models.list()) upstream.push(m);
    } catch (err) {
      throw upstreamError(err, '(model list)');
    }
    const aliases = (await opts.registry.listAliases()).map((a) => ({
      id: `${a.pipeline}@${a.alias}`,
      object: 'model' as const,
      created: Math.floor(a.updatedAt / 1000),
      owned_by: `tailor:${a.model}`,
    }));
    upstream = upstream.filter((m) => !m.id.includes('@'));
    const payload = JSON.stringify({ object: 'list', data: [...aliases, ...upstream] });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) });
    res.end(payload);
  };

  const feedback = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const parsed = CaptureFeedbackSchema.safeParse(await readLimitedJson(req, limit, "the gateway's maxBodyBytes"));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const param = issue.path.join('.') || null;
      throw requestError(400, 'invalid_request', `${param ?? 'body'}: ${issue.message}`, { param });
    }
    if (!opts.capture) throw requestError(404, 'capture_off', 'capture is off on this gateway: no response to rate');
    // A rating can arrive right after its answer, before the answer's batch was written.
    await opts.capture.flush();
    try {
      await opts.capture.store.rate(parsed.data);
    } catch (err) {
      if (err instanceof UnknownResponseError) throw requestError(404, 'unknown_response', err.message);
      throw err;
    }
    const payload = JSON.stringify({ responseId: parsed.data.responseId, stored: true });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) });
    res.end(payload);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    if (guardLoopbackRequest(req, res, policy)) return;
    if (opts.token !== undefined && !bearerTokenMatches(req.headers.authorization, opts.token)) {
      const message = 'Missing or incorrect bearer token (Authorization: Bearer ...).';
      throw requestError(401, 'invalid_api_key', message, { headers: { 'www-authenticate': 'Bearer' } });
    }
    const route = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    const endpoints: Record<string, { method: string; run: () => Promise<void> }> = {
      '/v1/chat/completions': {
        method: 'POST',
        run: async () => forward('chat.completions', await body(req), req, res),
      },
      '/v1/embeddings': { method: 'POST', run: async () => forward('embeddings', await body(req), req, res) },
      '/v1/models': { method: 'GET', run: () => models(res) },
      '/v1/feedback': { method: 'POST', run: () => feedback(req, res) },
    };
    const endpoint = endpoints[route];
    if (!endpoint) {
      const known = 'POST /v1/chat/completions, POST /v1/embeddings, GET /v1/models, POST /v1/feedback';
      throw requestError(404, 'not_found', `Unknown route ${req.method} ${route}: ${known}`);
    }
    if (req.method !== endpoint.method) {
      const headers = { allow: endpoint.method };
      throw requestError(405, 'method_not_allowed', `Method ${req.method} not allowed: use ${endpoint.method}`, {
        headers,
      });
    }
    await endpoint.run();
  };

  const body = async (req: http.IncomingMessage): Promise<RequestBody> => {
    const parsed = RequestBody.safeParse(await readLimitedJson(req, limit, "the gateway's maxBodyBytes"));
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    const param = issue.path.join('.') || null;
    throw requestError(400, 'invalid_request', `${param ?? 'body'}: ${issue.message}`, { param });
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const internal = () => new LoopbackHttpError(500, `internal error: ${(err as Error).message}`, 'server_error');
      sendJsonError(res, err instanceof LoopbackHttpError ? err : internal());
    });
  });
  const listening = await listenLoopback(server, opts.port ?? DEFAULT_GATEWAY_PORT, opts.host ?? '127.0.0.1');
  const settled = async () => {
    while (pending.size) await Promise.all([...pending]);
  };
  return {
    ...listening,
    shadowLog,
    settled,
    close: async () => {
      await listening.close();
      await settled();
      await opts.capture?.close();
    },
  };
}
