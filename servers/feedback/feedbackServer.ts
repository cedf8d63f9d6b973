/**
 * `POST /v1/feedback` over HTTP into the registry's feedback table (its SQLite file, or the PostgreSQL database
 * `TAILOR_REGISTRY` names, which every host shares), so an application can send what its users thought
 * of an answer (`tailor feedback-server`, cli/commands/feedbackServer.ts, starts it). Loopback by default; an optional
 * bearer token; errors in OpenAI's shape (`{error: {message, type, param, code}}`), a bad field named in `param`, and
 * nothing stored from a refused request.
 */
import http from 'node:http';
import { ApplicationFailure } from '@temporalio/common';
import { ZodError } from 'zod';
import { Failure } from '../../core/failures/failureTypes';
import { openFeedbackStore } from '../../stores/feedback/feedbackBackend';
import { FeedbackConflictError } from '../../stores/feedback/feedbackStore';
import { feedbackBackend } from '../../stores/processStores';
import { bearerTokenMatches } from '../../core/auth/bearerToken';
import { firstProblem } from '../../core/feedback/feedbackSchema';
import { LoopbackHttpError, requestError, sendJsonError } from '../loopback/httpError';
import { readLimitedJson } from '../loopback/readBody';
import { listenLoopback, type ListeningServer } from '../loopback/listen';
import { guardLoopbackRequest } from '../loopback/requestGuards';
import { oversizedFeedbackField } from '../../core/feedback/feedbackLimits';

export interface FeedbackServerOptions {
  /** TCP port; 0 picks a free one. @default 8390 */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' (loopback only) */
  host?: string;
  /** When set, every request must carry `Authorization: Bearer <token>`. @default none */
  token?: string;
  /**
   * The registry the feedback goes into: a SQLite file or a postgres:// URL (a pool of its own, ended by `close`).
   * @default the process's feedback store: TAILOR_REGISTRY (a file or postgres://…), else $TAILOR_HOME/registry.db
   */
  registryFile?: string;
  /** Largest request body accepted. @default 1 MiB (one chat and its answers) */
  maxBodyBytes?: number;
  /** Browser origins (e.g. a web app's) allowed to POST feedback; any other `Origin` gets 403. @default none */
  allowedOrigins?: string[];
}

const CORS_HEADERS = 'content-type, authorization, idempotency-key';

const badRequest = (message: string, param: string | null, code: string) => requestError(400, code, message, { param });

/** `url` is `http://HOST:PORT`. */
export type FeedbackServer = ListeningServer;

export const DEFAULT_FEEDBACK_PORT = 8390;

/**
 * Opens the feedback store first: a PostgreSQL registry that cannot be reached, or refuses the credentials, fails
 * here with its classified failure (RegistryUnavailable, RegistryAccessDenied, RegistryMisconfigured).
 */
export async function startFeedbackServer(opts: FeedbackServerOptions = {}): Promise<FeedbackServer> {
  const own = opts.registryFile !== undefined;
  const store = own ? await openFeedbackStore({ TAILOR_REGISTRY: opts.registryFile }) : await feedbackBackend();
  const limit = opts.maxBodyBytes ?? 1024 * 1024;

  const cors = { methods: 'POST, OPTIONS', headers: CORS_HEADERS };
  const policy = { allowedOrigins: opts.allowedOrigins ?? [], cors };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    // Before routing and auth: a web page's cross-site POST is refused, token or not.
    if (guardLoopbackRequest(req, res, policy)) return;
    const route = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    if (route !== '/v1/feedback') {
      throw requestError(404, 'not_found', `Unknown route ${req.method} ${route}: POST /v1/feedback`);
    }
    if (req.method !== 'POST') {
      const headers = { allow: 'POST' };
      throw requestError(405, 'method_not_allowed', `Method ${req.method} not allowed: use POST`, { headers });
    }
    if (opts.token !== undefined && !bearerTokenMatches(req.headers.authorization, opts.token)) {
      const message = 'Missing or incorrect bearer token (Authorization: Bearer ...).';
      throw requestError(401, 'invalid_api_key', message, { headers: { 'www-authenticate': 'Bearer' } });
    }
    const body = await readLimitedJson(req, limit, "the feedback server's maxBodyBytes");
    const oversized = oversizedFeedbackField(body);
    if (oversized) throw badRequest(oversized.message, oversized.param, 'field_too_long');
    // An `Idempotency-Key` header keys a body that carries no id of its own.
    const key = req.headers['idempotency-key'];
    const withKey =
      typeof key === 'string' && key && body && typeof body === 'object' && !('id' in body)
        ? { ...body, id: key }
        : body;
    try {
      const stored = await store.record(withKey as Parameters<typeof store.record>[0]);
      res.writeHead(stored.created ? 201 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: stored.id, object: 'feedback', created: stored.created }));
    } catch (err) {
      if (err instanceof ZodError) {
        const p = firstProblem(err);
        throw badRequest(p.message, p.param || null, 'invalid_feedback');
      }
      if (err instanceof FeedbackConflictError) {
        throw requestError(409, 'idempotency_key_reused', err.message, { param: 'id' });
      }
      throw registryError(err) ?? err;
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const internal = () => new LoopbackHttpError(500, `internal error: ${(err as Error).message}`, 'server_error');
      sendJsonError(res, err instanceof LoopbackHttpError ? err : internal());
    });
  });
  try {
    const listening = await listenLoopback(server, opts.port ?? DEFAULT_FEEDBACK_PORT, opts.host ?? '127.0.0.1');
    return { ...listening, close: async () => listening.close().finally(() => (own ? store.close() : undefined)) };
  } catch (err) {
    if (own) await store.close();
    throw err;
  }
}

/**
 * The registry's database failing a request (stores/registry/postgresFailures.ts): 503 with Retry-After while it
 * cannot be reached, so a client retries the same body (same id: stored once); 500 for access or configuration.
 * The message names the database without its password.
 */
function registryError(err: unknown): LoopbackHttpError | undefined {
  if (!(err instanceof ApplicationFailure)) return undefined;
  if (err.type === Failure.RegistryUnavailable) {
    const headers = { 'retry-after': '1' };
    return new LoopbackHttpError(503, err.message, 'server_error', null, 'registry_unavailable', headers);
  }
  if (err.type === Failure.RegistryAccessDenied || err.type === Failure.RegistryMisconfigured) {
    return new LoopbackHttpError(500, err.message, 'server_error', null, 'registry_misconfigured');
  }
  return undefined;
}
