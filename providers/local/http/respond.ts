/**
 * Writing responses. Every response goes through here so `x-request-id`, `openai-*` headers and
 * the rate-limit headers are never forgotten on any path, errors included.
 */
import type { ServerResponse } from 'node:http';
import { ApiError } from './apiError';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  writeHead(res, status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
    ...headers,
  });
  res.end(payload);
}

export function sendBytes(res: ServerResponse, status: number, body: Buffer, contentType: string): void {
  writeHead(res, status, { 'content-type': contentType, 'content-length': String(body.byteLength) });
  res.end(body);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  sendJson(res, err.status, err.body(), err.headers);
}

function writeHead(res: ServerResponse, status: number, headers: Record<string, string>): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.statusCode = status;
}
