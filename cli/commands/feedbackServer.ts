/**
 * `tailor feedback-server`: `POST /v1/feedback` over HTTP into the registry's feedback table, so an application can
 * send what its users thought of an answer. Loopback by default; an optional bearer token; errors in OpenAI's shape
 * (`{error: {message, type, param, code}}`), a bad field named in `param`, and nothing stored from a refused request.
 */
import http from 'node:http';
import { ZodError } from 'zod';
import { FeedbackConflictError, feedbackStore } from '../../stores/feedback/feedbackStore';
import { bearerTokenMatches } from '../../core/auth/bearerToken';
import { firstProblem } from '../../core/feedback/feedbackSchema';
import { LoopbackHttpError, requestError, sendJsonError } from '../../servers/loopback/httpError';
import { readLimitedJson } from '../../servers/loopback/readBody';
import { guardLoopbackRequest } from '../../servers/loopback/requestGuards';
import {
  MAX_FEEDBACK_LABEL_CHARS,
  MAX_FEEDBACK_MESSAGES,
  MAX_FEEDBACK_TEXT_CHARS,
  oversizedFeedbackField,
} from '../../core/feedback/feedbackLimits';
import { cliOrigins } from '../originOption';
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
  /** Browser origins (e.g. a web app's) allowed to POST feedback; any other `Origin` gets 403. @default none */
  allowedOrigins?: string[];
}

const CORS_HEADERS = 'content-type, authorization, idempotency-key';

const badRequest = (message: string, param: string | null, code: string) => requestError(400, code, message, { param });

export interface FeedbackServer {
  /** `http://HOST:PORT` */
  url: string;
  close(): Promise<void>;
}

const DEFAULT_PORT = 8390;

export async function startFeedbackServer(opts: FeedbackServerOptions = {}): Promise<FeedbackServer> {
  const store = feedbackStore(opts.registryFile);
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
    const withKey = typeof key === 'string' && key && body && typeof body === 'object' && !('id' in body) ? { ...body, id: key } : body;
    try {
      const stored = store.record(withKey as Parameters<typeof store.record>[0]);
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
      throw err;
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const internal = () => new LoopbackHttpError(500, `internal error: ${(err as Error).message}`, 'server_error');
      sendJsonError(res, err instanceof LoopbackHttpError ? err : internal());
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
    401 without the token; 409 when an id is reused for other content; 413 over 1 MiB; 400 naming the field
    when a text field is over ${MAX_FEEDBACK_TEXT_CHARS} characters (labels ${MAX_FEEDBACK_LABEL_CHARS},
    messages ${MAX_FEEDBACK_MESSAGES}).

Options:
  --port N          TCP port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H          interface to listen on (default 127.0.0.1: this machine only)
  --token-env VAR   require 'Authorization: Bearer <value of $VAR>' (default none)
  --allow-origin U  browser origin(s) allowed to POST, comma-separated (default none: a request with any
                    Origin header gets 403; programs send none). Bodies must be application/json (else 415).

Export what was collected with: tailor feedback export --format dpo|sft --out FILE`;

export const command: CliCommand = {
  name: 'feedback-server',
  summary: 'collect feedback on answers over HTTP (POST /v1/feedback) into the registry',
  help,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      {
        port: { type: 'string' },
        host: { type: 'string' },
        'token-env': { type: 'string' },
        'allow-origin': { type: 'string' },
      },
      false,
    );
    const port = intOption('port', values.port, DEFAULT_PORT);
    if (port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got ${port}`);
    const token = tokenFromEnv(values['token-env']);
    const allowedOrigins = cliOrigins('--allow-origin', values['allow-origin']);
    const host = values.host ?? '127.0.0.1';
    return serveUntilSignal(await startFeedbackServer({ port, host, allowedOrigins, ...(token ? { token } : {}) }));
  },
};
