/**
 * `tailor feedback-server`: `POST /v1/feedback` over HTTP into the registry's feedback table, so an application can
 * send what its users thought of an answer. Loopback by default; an optional bearer token; errors in OpenAI's shape
 * (`{error: {message, type, param, code}}`), a bad field named in `param`, and nothing stored from a refused request.
 */
import http from 'node:http';
import { ZodError } from 'zod';
import { FeedbackConflictError, feedbackStore } from '../../activities/feedback/feedbackStore';
import { bearerTokenMatches } from '../../core/auth/bearerToken';
import { firstProblem } from '../../core/feedback/feedbackSchema';
import { ApiError, invalidRequest } from '../../providers/local/http/apiError';
import { readJson, setBodyLimit } from '../../providers/local/http/readBody';
import { intOption, parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { serveUntilSignal } from '../serveUntilSignal';
import { tokenFromEnv } from '../tokenFromEnv';

export interface FeedbackServerOptions {
  /** TCP port; 0 picks a free one. @default 8390 */
  port?: number;
  /** Interface to listen on. @default '127.0.0.1' (loopback only) */
  host?: string;
  /** When set, every request must carry `Authorization: Bearer <token>`. @default none */
  token?: string;
  /** The registry database the feedback goes into. @default TAILOR_REGISTRY, else $TAILOR_HOME/registry.db */
  registryFile?: string;
  /** Largest request body accepted. @default 1 MiB (one chat and its answers) */
  maxBodyBytes?: number;
}

export interface FeedbackServer {
  /** `http://HOST:PORT` */
  url: string;
  close(): Promise<void>;
}

const DEFAULT_PORT = 8390;

export async function startFeedbackServer(opts: FeedbackServerOptions = {}): Promise<FeedbackServer> {
  const store = feedbackStore(opts.registryFile);
  const limit = opts.maxBodyBytes ?? 1024 * 1024;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const route = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    if (route !== '/v1/feedback') throw new ApiError(404, `Unknown route ${req.method} ${route}: POST /v1/feedback`, 'invalid_request_error', null, 'not_found');
    if (req.method !== 'POST') throw new ApiError(405, `Method ${req.method} not allowed: use POST`, 'invalid_request_error', null, 'method_not_allowed', { allow: 'POST' });
    if (opts.token !== undefined && !bearerTokenMatches(req.headers.authorization, opts.token)) {
      throw new ApiError(401, 'Missing or incorrect bearer token (Authorization: Bearer ...).', 'invalid_request_error', null, 'invalid_api_key', { 'www-authenticate': 'Bearer' });
    }
    setBodyLimit(req, limit);
    const body = await readJson(req).catch((err: unknown) => {
      // readBody's 413 names the local backend's flag; this server's limit is its own.
      if (err instanceof ApiError && err.status === 413) throw new ApiError(413, `Request body exceeds the feedback server's ${limit}-byte limit.`, err.type, null, err.code, err.headers);
      throw err;
    });
    // An `Idempotency-Key` header keys a body that carries no id of its own.
    const key = req.headers['idempotency-key'];
    const withKey = typeof key === 'string' && key && body && typeof body === 'object' && !('id' in body) ? { ...body, id: key } : body;
    try {
      const stored = store.record(withKey as Parameters<typeof store.record>[0]);
      res.writeHead(stored.created ? 201 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: stored.id, object: 'feedback', created: stored.created }));
    } catch (err) {
      if (err instanceof ZodError) {
        const p = firstProblem(err);
        throw invalidRequest(p.message, p.param || null, 'invalid_feedback');
      }
      if (err instanceof FeedbackConflictError) throw new ApiError(409, err.message, 'invalid_request_error', 'id', 'idempotency_key_reused');
      throw err;
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const e = err instanceof ApiError ? err : new ApiError(500, `internal error: ${(err as Error).message}`, 'server_error');
      if (!res.headersSent) res.writeHead(e.status, { 'content-type': 'application/json', ...e.headers });
      res.end(JSON.stringify(e.body()));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? DEFAULT_PORT, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address, family } = server.address() as { port: number; address: string; family: string };
  return {
    url: `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

const help = `Usage: tailor feedback-server [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--token-env VAR]

Receives feedback on model answers and stores it in the registry's database ($TAILOR_HOME/registry.db),
per model and prompt version. Prints its URL as the first line of stdout; runs until SIGINT or SIGTERM.

  POST /v1/feedback  {"model", "promptVersion"?, "input": {"messages": [...]}, "answer",
                      "rating": "up"|"down"|1-5, "correctedAnswer"?, "preference"?: {"alternative", "preferred":
                      "answer"|"alternative"}, "who"?, "at"? (ISO-8601), "id"? (idempotency key)}
  → 201 {"id"} (200 when that id was already stored: a retry stores once); 400 naming the field in error.param;
    401 without the token; 409 when an id is reused for other content; 413 over 1 MiB.

Options:
  --port N          TCP port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H          interface to listen on (default 127.0.0.1: this machine only)
  --token-env VAR   require 'Authorization: Bearer <value of $VAR>' (default none)

Export what was collected with: tailor feedback export --format dpo|sft --out FILE`;

export const command: CliCommand = {
  name: 'feedback-server',
  summary: 'collect feedback on answers over HTTP (POST /v1/feedback) into the registry',
  help,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { port: { type: 'string' }, host: { type: 'string' }, 'token-env': { type: 'string' } }, false);
    const port = intOption('port', values.port, DEFAULT_PORT);
    if (port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got ${port}`);
    const token = tokenFromEnv(values['token-env']);
    return serveUntilSignal(await startFeedbackServer({ port, host: values.host ?? '127.0.0.1', ...(token ? { token } : {}) }));
  },
};
