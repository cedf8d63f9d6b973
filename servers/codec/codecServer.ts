/**
 * The Temporal codec-server protocol over loopback HTTP, so the Web UI (and `temporal workflow show --codec-endpoint`)
 * can show payloads that Tailor's codec encrypted, to whoever holds the key. `tailor codec-server`
 * (cli/commands/codecServer.ts) starts it.
 *
 * Protocol (https://github.com/temporalio/samples-go/blob/main/codec-server/protocol.md): `POST …/encode` and
 * `POST …/decode`, only the last path segment counts (so `/{namespace}/decode` works too); the body and the answer
 * are `{"payloads":[...]}` in proto3 JSON (metadata values and data base64); the UI adds `X-Namespace`, and
 * `Authorization` when configured.
 */
import http from 'node:http';
import type { PayloadCodec } from '@temporalio/common';
import { bearerTokenMatches } from '../../core/auth/bearerToken';
import { payloadsFromJson, payloadsToJson } from '../../core/codec/payloadJson';
import { LoopbackHttpError, requestError, sendJsonError } from '../loopback/httpError';
import { readLimitedJson } from '../loopback/readBody';
import { listenLoopback, type ListeningServer } from '../loopback/listen';
import { guardLoopbackRequest } from '../loopback/requestGuards';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** TCP port on 127.0.0.1; 0 picks a free one. @default 8888 */
  port?: number;
  /** Browser origins allowed by CORS (the Web UI's). @default the dev server's UI, as localhost and as 127.0.0.1 */
  uiOrigins?: string[];
  /** When set, every POST must carry `Authorization: Bearer <token>`. @default none */
  token?: string;
  /** Largest request body accepted. @default 16 MiB (a batch of payloads near Temporal's 2 MB limit, base64) */
  maxBodyBytes?: number;
}

/** `url` is `http://127.0.0.1:PORT`. */
export type CodecServer = ListeningServer;

const ALLOWED_HEADERS = 'content-type, x-namespace, authorization';
/** The dev server's Web UI; a browser's origin is whichever host was typed, so both spellings of loopback. */
export const DEFAULT_UI_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233'];
const LIMIT_FLAG = 'codec server maxBodyBytes';

export async function startCodecServer(opts: CodecServerOptions): Promise<CodecServer> {
  const cors = { methods: 'POST, OPTIONS', headers: ALLOWED_HEADERS };
  const policy = { allowedOrigins: opts.uiOrigins ?? DEFAULT_UI_ORIGINS, cors };
  const limit = opts.maxBodyBytes ?? 16 * 1024 * 1024;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    // Browsers send Origin on cross-origin calls; the CLI sends none. Any other site's page is refused outright,
    // not merely left without CORS headers, so it cannot even make the server decrypt on its behalf.
    if (guardLoopbackRequest(req, res, policy)) return;
    const action = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '').split('/').pop();
    if (action !== 'encode' && action !== 'decode') {
      throw requestError(404, 'not_found', 'not found: POST /encode or /decode');
    }
    if (req.method !== 'POST') {
      const headers = { allow: 'POST, OPTIONS' };
      throw requestError(405, 'method_not_allowed', 'method not allowed: use POST', { headers });
    }
    if (opts.token !== undefined && !bearerTokenMatches(req.headers.authorization, opts.token)) {
      const headers = { 'www-authenticate': 'Bearer' };
      throw requestError(401, 'invalid_api_key', 'missing or wrong bearer token', { headers });
    }
    const body = await readLimitedJson(req, limit, LIMIT_FLAG);
    const payloads = payloadsFromJson(body);
    const out = action === 'encode' ? await opts.codec.encode(payloads) : await opts.codec.decode(payloads);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(payloadsToJson(out)));
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // Bad JSON shapes and codec failures (unknown key ID, tampering) are about the request: 400 with the reason,
      // never a stack trace.
      const message = err instanceof Error ? err.message : String(err);
      sendJsonError(res, err instanceof LoopbackHttpError ? err : new LoopbackHttpError(400, message));
    });
  });
  // Loopback only: the server holds decryption keys and must not be reachable from the network.
  return listenLoopback(server, opts.port ?? 8888);
}
