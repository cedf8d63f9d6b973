/**
 * The checks every loopback server runs before anything else, token or not. A loopback port is reachable from any
 * web page the user has open: a page can send a "simple" cross-site request (no preflight) with an `Origin` header
 * and a `text/plain`, form or multipart body. So:
 * - a request whose `Origin` is present and not allowed is refused (403), whatever it is;
 * - a write (POST, PUT, PATCH) must declare `application/json` (415), except a body type the route explicitly
 *   accepts (the local backend's multipart file upload), which the origin check still covers.
 * Programs (SDKs, curl, the Temporal CLI) send no `Origin` and are unaffected.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackHttpError } from './httpError';

export interface LoopbackPolicy {
  /** Browser origins allowed to call the server (exact `scheme://host[:port]`). @default none */
  allowedOrigins?: Iterable<string>;
  /** CORS answers for allowed origins: the methods and request headers a preflight may ask for. */
  cors?: { methods: string; headers: string };
  /** Non-JSON body types a request may carry (e.g. `multipart/form-data` for an upload route). @default none */
  extraBodyTypes?: (req: IncomingMessage) => readonly string[];
}

const WRITES = new Set(['POST', 'PUT', 'PATCH']);

/** The media type of a `content-type` header, lower-cased, without parameters. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Whether a request carries a body (declared length above 0, or a chunked one). */
function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length'] ?? 0);
  return !Number.isFinite(length) || length > 0;
}

/** 403 unless the request has no `Origin` or an allowed one. */
export function checkOrigin(req: IncomingMessage, allowed: ReadonlySet<string>): void {
  const origin = req.headers.origin;
  if (origin === undefined || allowed.has(origin)) return;
  const list = allowed.size ? [...allowed].join(', ') : 'none';
  throw new LoopbackHttpError(
    403,
    `Origin '${origin}' is not allowed to call this server (allowed origins: ${list}).`,
    'invalid_request_error',
    null,
    'origin_not_allowed',
  );
}

/** 415 for a write whose body (or declared content type) is not JSON or one of `extra`. */
export function checkJsonBody(req: IncomingMessage, extra: readonly string[] = []): void {
  if (!WRITES.has(req.method ?? '')) return;
  const header = req.headers['content-type'];
  // An empty write with no content type at all (e.g. POST …/cancel from an SDK) carries nothing to smuggle.
  if (header === undefined && !hasBody(req)) return;
  const type = mediaType(header);
  if (type === 'application/json' || extra.includes(type)) return;
  const accepted = ['application/json', ...extra].join(' or ');
  throw new LoopbackHttpError(
    415,
    `Unsupported Content-Type '${header ?? '(none)'}': send the body as ${accepted}.`,
    'invalid_request_error',
    null,
    'unsupported_media_type',
  );
}

/**
 * Runs the origin and content-type checks and, for an allowed origin, adds CORS headers. Returns true when it
 * answered the request itself (a CORS preflight), so the caller stops. Throws LoopbackHttpError otherwise.
 */
export function guardLoopbackRequest(req: IncomingMessage, res: ServerResponse, policy: LoopbackPolicy): boolean {
  const allowed = new Set(policy.allowedOrigins ?? []);
  checkOrigin(req, allowed);
  const origin = req.headers.origin;
  if (origin !== undefined && policy.cors) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
    res.setHeader('vary', 'Origin');
  }
  if (req.method === 'OPTIONS' && origin !== undefined && policy.cors) {
    // A preflight carries no credentials by design, so it is answered before any token check.
    res.writeHead(204, {
      'access-control-allow-methods': policy.cors.methods,
      'access-control-allow-headers': policy.cors.headers,
      'access-control-max-age': '600',
    });
    res.end();
    return true;
  }
  checkJsonBody(req, policy.extraBodyTypes?.(req) ?? []);
  return false;
}
