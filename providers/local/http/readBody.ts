/**
 * Reads a request body fully, refusing bodies over the server's limit (`maxBodyBytes`; by default OpenAI's per-file
 * cap of 512 MB) with a 413 that names the limit.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './apiError';

export const MAX_BODY_BYTES = 512 * 1024 * 1024;

/** The limit the server set for each request (routes call `readJson(req)` without knowing the server's options). */
const limits = new WeakMap<IncomingMessage, number>();

export function setBodyLimit(req: IncomingMessage, bytes: number): void {
  limits.set(req, bytes);
}

/** 413 like OpenAI's `request_too_large`, naming the option that sets the limit. */
export function bodyTooLarge(bytes: number | string, limit: number): ApiError {
  return new ApiError(
    413,
    `Request body of ${bytes} bytes exceeds the ${limit}-byte limit (maxBodyBytes; tailor local-openai ` +
      `--max-body-bytes).`,
    'invalid_request_error',
    null,
    'request_too_large',
    // The rest of the body is not read: the connection cannot be reused.
    { connection: 'close' },
  );
}

/** Refuses a declared `content-length` over the limit before reading a byte. */
export function checkDeclaredLength(req: IncomingMessage): void {
  const limit = limits.get(req) ?? MAX_BODY_BYTES;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw bodyTooLarge(declared, limit);
}

/** Bodies received before the route ran (the `slow` fault): a client that gives up later cannot take them back. */
const accepted = new WeakMap<IncomingMessage, Buffer>();

/** Receives the whole body now; the route's `readBody` later gets it even if the client has hung up meanwhile. */
export async function acceptBody(req: IncomingMessage): Promise<void> {
  accepted.set(req, await readBody(req));
}

export function readBody(req: IncomingMessage, limit = limits.get(req) ?? MAX_BODY_BYTES): Promise<Buffer> {
  const early = accepted.get(req);
  if (early) return Promise.resolve(early);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        // Stop buffering but let the answer go out before the connection closes (`connection: close`).
        req.off('data', onData);
        req.resume();
        reject(bodyTooLarge(`more than ${limit}`, limit));
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses a JSON body; a body that is not JSON is a 400 like OpenAI's. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const buf = await readBody(req);
  if (buf.length === 0) return {};
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    throw new ApiError(
      400,
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP " +
        'library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)',
      'invalid_request_error',
    );
  }
}
