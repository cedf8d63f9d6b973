/**
 * Tailor's local OpenAI-compatible backend: a loopback `node:http` server speaking OpenAI's API
 * (files, fine-tuning jobs, chat completions, embeddings, models) over small CPU learners
 * (providers/local/learners), with state in a data dir, OpenAI's errors and rate-limit headers, and
 * deterministic fault injection. See providers/local/README.md.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import { bearerTokenMatches } from '../../core/auth/bearerToken';
import { LoopbackHttpError, sendJsonError } from '../../servers/loopback/httpError';
import { guardLoopbackRequest } from '../../servers/loopback/requestGuards';
import { ApiError, missingApiKey } from './http/apiError';
import { decodePathParams } from './http/pathParams';
import { uploadTypes } from './routes/filesRoutes';
import { acceptBody, checkDeclaredLength, MAX_BODY_BYTES, setBodyLimit } from './http/readBody';
import { sendError, sendJson } from './http/respond';
import type { Reply, RequestContext, Route } from './http/route';
import { StateStore } from './store/stateStore';
import { newRequestId } from './store/ids';
import { FileService } from './files/fileService';
import { ModelRegistry } from './inference/modelRegistry';
import { JobRunner } from './training/jobRunner';
import { FaultInjector } from './faults/faultInjector';
import type { FaultKind } from './faults/faultSpec';
import { RateLimiter } from './limits/rateLimiter';
import { fileRoutes } from './routes/filesRoutes';
import { jobRoutes } from './routes/jobsRoutes';
import { faultError } from './faults/faultResponses';
import { modelRoutes } from './routes/modelsRoutes';
import { inferenceRoutes } from './routes/inferenceRoutes';
import { adminRoutes } from './routes/adminRoutes';

export interface LocalOpenAIOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Where files, jobs and trained models persist. Default `.tailor/local-openai`. */
  dataDir?: string;
  /** Fault SPEC (see README); default none. */
  faults?: string;
  /** Requests and tokens per minute for chat and embeddings; default unlimited. */
  rateLimit?: { rpm?: number; tpm?: number };
  /** Seed for faults when the spec has no `seed=`. Default 0. */
  seed?: number;
  /** Wall time per training step (and per validation/queue phase); default env TAILOR_LOCAL_STEP_MS or 25. */
  stepDelayMs?: number;
  /**
   * Largest request body (JSON or a multipart upload); larger ones get a 413. @default 512 MiB (OpenAI's per-file cap)
   */
  maxBodyBytes?: number;
  /**
   * When set, every `/v1` route (admin ones too) requires `Authorization: Bearer <token>` and answers 401
   * `invalid_api_key` otherwise; the OpenAI SDK sends its API key that way, so `OPENAI_API_KEY=<token>` works.
   * @default none (any API key is accepted, as a loopback-only test server)
   */
  token?: string;
  /**
   * Browser origins allowed to call the backend. A request with any other `Origin` header is refused (403), as is a
   * POST whose body is not JSON (415; multipart only on the file upload), token or not: a web page can reach a
   * loopback port. Programs send no `Origin`. @default none
   */
  allowedOrigins?: string[];
}

export interface LocalOpenAIServer {
  /** `http://127.0.0.1:PORT/v1` */
  baseURL: string;
  port: number;
  close(): Promise<void>;
}

/** `TAILOR_LOCAL_STEP_MS` when it is a non-negative number, else 25 ms. */
function defaultStepMs(): number {
  const raw = process.env.TAILOR_LOCAL_STEP_MS?.trim();
  const env = raw ? Number(raw) : NaN;
  return Number.isFinite(env) && env >= 0 ? env : 25;
}

/** Applies the spec seed option when the spec does not name one. */
function withSeed(spec: string | undefined, seed: number | undefined): string {
  if (!spec) return '';
  if (seed === undefined || /(^|[,;\s])seed=/.test(spec)) return spec;
  return `seed=${seed},${spec}`;
}

export async function startLocalOpenAI(opts: LocalOpenAIOptions = {}): Promise<LocalOpenAIServer> {
  const dataDir = path.resolve(opts.dataDir ?? path.join('.tailor', 'local-openai'));
  const store = new StateStore(dataDir);
  const faults = new FaultInjector(withSeed(opts.faults, opts.seed));
  const limiter = new RateLimiter(opts.rateLimit ?? {});
  const files = new FileService(store);
  const models = new ModelRegistry(store);
  const jobs = new JobRunner(store, files, models, { stepDelayMs: opts.stepDelayMs ?? defaultStepMs(), faults });
  const routes: Route[] = [
    ...inferenceRoutes(models, limiter),
    ...fileRoutes(files),
    ...jobRoutes(jobs, faults),
    ...modelRoutes(models),
    ...adminRoutes(faults, limiter),
  ];
  const maxBodyBytes = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  const sockets = new Set<Socket>();
  const hung = new Set<ServerResponse>();

  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    void handle(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.setNoDelay(true);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const requestId = newRequestId();
    res.setHeader('x-request-id', requestId);
    res.setHeader('openai-organization', 'tailor-local');
    res.setHeader('openai-version', '2020-10-01');
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q >= 0 ? url.slice(0, q) : url;
    let route: Route | undefined;
    let match: RegExpExecArray | null = null;
    let pathKnown = false;
    for (const r of routes) {
      const m = r.pattern.exec(pathname);
      if (!m) continue;
      pathKnown = true;
      if (r.method === req.method) {
        route = r;
        match = m;
        break;
      }
    }
    try {
      if (guardLoopbackRequest(req, res, { allowedOrigins: opts.allowedOrigins, extraBodyTypes: uploadTypes })) return;
      if (!route || !match) {
        throw new ApiError(pathKnown ? 405 : 404, `Invalid URL (${req.method} ${pathname})`, 'invalid_request_error');
      }
      if (!route.admin) {
        res.setHeader('openai-processing-ms', '0');
        for (const [k, v] of Object.entries(limiter.headers())) res.setHeader(k, v);
        // Without a token the backend is open (loopback only): no API key needed, any one accepted.
        if (opts.token !== undefined && !req.headers.authorization) throw missingApiKey();
      }
      if (opts.token !== undefined && !bearerTokenMatches(req.headers.authorization, opts.token)) {
        throw new ApiError(
          401,
          'Incorrect API key provided. This backend requires the token it was started with (tailor ' +
            'local-openai --token-env VAR) as the API key.',
          'invalid_request_error',
          null,
          'invalid_api_key',
        );
      }
      setBodyLimit(req, maxBodyBytes);
      checkDeclaredLength(req);
      const fault = route.admin || !faults.active ? null : faults.draw(route.name);
      if (fault) {
        const handled = await applyFault(fault, req, res);
        if (handled) return;
      }
      const ctx: RequestContext = {
        req,
        params: decodePathParams(match.slice(1)),
        query: new URLSearchParams(q >= 0 ? url.slice(q + 1) : ''),
        requestId,
      };
      const reply = await route.handler(ctx);
      if (fault?.kind === 'drop_after') {
        // The work is done and committed; only the answer is lost.
        req.socket.destroy();
        return;
      }
      res.setHeader('openai-processing-ms', String(Date.now() - started));
      write(res, reply);
    } catch (err) {
      if (res.headersSent || res.destroyed) return;
      if (err instanceof ApiError) return sendError(res, err);
      if (err instanceof LoopbackHttpError) return sendJsonError(res, err);
      sendError(
        res,
        new ApiError(
          500,
          `The server had an error while processing your request. Sorry about that! (${(err as Error).message})`,
          'server_error',
        ),
      );
    }
  }

  /** Returns true when the fault took over the response. */
  async function applyFault(fault: FaultKind, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    switch (fault.kind) {
      case 'slow':
        // Accepted, then slow: the work is done even if the client gives up waiting (a real provider's behaviour).
        await acceptBody(req);
        await new Promise((r) => setTimeout(r, fault.ms));
        return false;
      case 'drop_after':
        return false;
      case 'drop':
        req.socket.destroy();
        return true;
      case 'hang':
        // Never answer; close() ends these so the process can exit.
        hung.add(res);
        res.on('close', () => hung.delete(res));
        return true;
      case 'quota':
      case 'training_not_available':
      case 'status':
        sendError(res, faultError(fault));
        return true;
    }
  }

  function write(res: ServerResponse, reply: Reply): void {
    if (reply.kind === 'json') return sendJson(res, reply.status ?? 200, reply.body, reply.headers);
    if (reply.kind === 'bytes') {
      res.statusCode = 200;
      res.setHeader('content-type', reply.contentType);
      res.setHeader('content-length', String(reply.body.byteLength));
      res.end(reply.body);
      return;
    }
    res.statusCode = 200;
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache');
    res.end(reply.events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('') + 'data: [DONE]\n\n');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only (see docs/architecture.md, Loopback servers): it trains on the user's data and, without a
    // token, accepts any API key.
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  jobs.recover();
  const port = (server.address() as { port: number }).port;
  let closing: Promise<void> | null = null;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        jobs.close();
        for (const res of hung) res.destroy();
        server.close(() => {
          store.close();
          resolve();
        });
        // Idle keep-alive sockets would hold close() open until they time out.
        server.closeIdleConnections();
        setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, 50).unref();
      });
      return closing;
    },
  };
}
