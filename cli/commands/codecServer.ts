/**
 * `tailor codec-server`: the Temporal codec-server protocol over loopback HTTP, so the Web UI (and
 * `temporal workflow show --codec-endpoint`) can show payloads that Tailor's codec encrypted, to whoever holds the key.
 *
 * Protocol (temporalio/samples-go codec-server/protocol.md): `POST …/encode` and `POST …/decode`, only the last
 * path segment counts (so `/{namespace}/decode` works too); the body and the answer are `{"payloads":[...]}` in
 * proto3 JSON (metadata values and data base64); the UI adds `X-Namespace`, and `Authorization` when configured.
 */
import http from 'node:http';
import type { PayloadCodec } from '@temporalio/common';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { intOption, parseCommandArgs } from '../args';
import { serveUntilSignal } from '../serveUntilSignal';
import { tokenFromEnv } from '../tokenFromEnv';
import { cliOrigins } from '../originOption';
import { bearerTokenMatches } from '../../core/auth/bearerToken';
import { KeyringConfigError } from '../../core/codec/keyring';
import { payloadsFromJson, payloadsToJson } from '../../core/codec/payloadJson';
import { tailorDataConverter } from '../../workers/dataConverter';
import { LoopbackHttpError, requestError, sendJsonError } from '../../servers/loopback/httpError';
import { readLimitedJson } from '../../servers/loopback/readBody';
import { guardLoopbackRequest } from '../../servers/loopback/requestGuards';

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

export interface CodecServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  close(): Promise<void>;
}

const ALLOWED_HEADERS = 'content-type, x-namespace, authorization';
/** The dev server's Web UI; a browser's origin is whichever host was typed, so both spellings of loopback. */
const DEFAULT_UI_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233'];
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
  // Loopback only (issue 10 item 7): the server holds decryption keys and must not be reachable from the network.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8888, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

const help = `Usage: tailor codec-server [--port 8888] [--ui-origin http://localhost:8233] [--token-env VAR]

Serves the Temporal codec-server protocol (POST /encode, POST /decode, also under /{namespace}/)
on 127.0.0.1 with Tailor's payload encryption, so the Temporal Web UI shows decrypted payloads.
Keys come from TAILOR_ENCRYPTION_KEYS (id:base64key,...; first writes, all read) or
TAILOR_ENCRYPTION_KEY. Prints its URL as the first line of stdout; runs until SIGINT or SIGTERM.

Options:
  --port N           TCP port on 127.0.0.1 (default 8888; 0 picks a free one)
  --ui-origin URL    browser origin allowed by CORS, comma-separated for several
                     (default http://localhost:8233,http://127.0.0.1:8233: the dev server's UI)
  --token-env VAR    require 'Authorization: Bearer <value of $VAR>' on every request (default none);
                     the Temporal CLI sends it with --codec-auth 'Bearer ...', the Web UI only when set
                     to pass its access token

Example:
  TAILOR_ENCRYPTION_KEY=$(openssl rand -base64 32) tailor codec-server
  then in the Web UI: Codec Server settings > http://127.0.0.1:8888, or
  temporal workflow show -w RUN --codec-endpoint http://127.0.0.1:8888`;

export const command: CliCommand = {
  name: 'codec-server',
  summary: 'serve the Temporal codec-server protocol so the Web UI can show encrypted payloads',
  help,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { port: { type: 'string' }, 'ui-origin': { type: 'string' }, 'token-env': { type: 'string' } }, false);
    const port = intOption('port', values.port, 8888);
    if (port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got ${port}`);
    const uiOrigins = cliOrigins('--ui-origin', values['ui-origin'] ?? DEFAULT_UI_ORIGINS.join(','));
    const token = tokenFromEnv(values['token-env']);
    let converter: ReturnType<typeof tailorDataConverter>;
    try {
      converter = tailorDataConverter();
    } catch (err) {
      if (err instanceof KeyringConfigError) throw new UsageError(err.message);
      throw err;
    }
    const codec = converter?.payloadCodecs[0];
    if (!codec) throw new UsageError('no encryption key: set TAILOR_ENCRYPTION_KEYS (id:base64key,...) or TAILOR_ENCRYPTION_KEY');
    return serveUntilSignal(await startCodecServer({ codec, port, uiOrigins, token }));
  },
};
