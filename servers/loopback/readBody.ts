/**
 * Reads a request body up to a limit. Over the limit it stops buffering but keeps draining, so the caller can still
 * answer 413 (with `connection: close`) instead of the client seeing a reset connection.
 */
import type { IncomingMessage } from 'node:http';
import { LoopbackHttpError } from './httpError';

/** 413 naming the limit and what sets it (e.g. `--max-body-bytes`). */
export function bodyTooLarge(limit: number, setBy: string, bytes?: number): LoopbackHttpError {
  const size = bytes === undefined ? `more than ${limit}` : String(bytes);
  return new LoopbackHttpError(
    413,
    `Request body of ${size} bytes exceeds the ${limit}-byte limit (${setBy}).`,
    'invalid_request_error',
    null,
    'request_too_large',
    // The rest of the body is not read: the connection cannot be reused.
    { connection: 'close' },
  );
}

export function readLimitedBody(req: IncomingMessage, limit: number, setBy: string): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(bodyTooLarge(limit, setBy, declared));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= limit) {
        chunks.push(c);
        return;
      }
      req.off('data', onData);
      req.resume();
      reject(bodyTooLarge(limit, setBy));
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A JSON body, or a 400 in OpenAI's words. An empty body is `{}`. */
export async function readLimitedJson(req: IncomingMessage, limit: number, setBy: string): Promise<unknown> {
  const buf = await readLimitedBody(req, limit, setBy);
  if (buf.length === 0) return {};
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    throw new LoopbackHttpError(400, 'We could not parse the JSON body of your request: the body is not JSON.');
  }
}
