/**
 * Errors a loopback server answers in OpenAI's error shape, `{error: {message, type, param, code}}`, so every
 * Tailor server (local backend, feedback server, codec server) fails the same way and client libraries map it.
 */
import type { ServerResponse } from 'node:http';

export class LoopbackHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** Writes an error (headers included) unless a response already started; then only ends it. */
export function sendJsonError(res: ServerResponse, err: LoopbackHttpError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const payload = JSON.stringify(err.body());
  res.writeHead(err.status, {
    ...err.headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
  });
  res.end(payload);
}

/** A client error (`invalid_request_error`) with a code, and optionally the field at fault and extra headers. */
export function requestError(
  status: number,
  code: string,
  message: string,
  more: { param?: string | null; headers?: Record<string, string> } = {},
): LoopbackHttpError {
  return new LoopbackHttpError(status, message, 'invalid_request_error', more.param ?? null, code, more.headers);
}
