/**
 * A route: method, path pattern, the name fault rules address it by (`chat`, `jobs.create`, …)
 * and a handler that returns a reply instead of writing it, so the server can apply faults that act
 * after the work is done (a dropped response) and add the common headers in one place.
 */
import type { IncomingMessage } from 'node:http';

export interface RequestContext {
  req: IncomingMessage;
  /** Path captures from the route pattern (decoded). */
  params: string[];
  query: URLSearchParams;
  requestId: string;
}

export type Reply =
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'bytes'; body: Buffer; contentType: string }
  | { kind: 'sse'; events: unknown[]; headers?: Record<string, string> };

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  name: string;
  /** Admin routes skip faults, rate limits and auth (except a server token, which covers every route). */
  admin?: boolean;
  handler(ctx: RequestContext): Reply | Promise<Reply>;
}

export const json = (body: unknown, status = 200, headers?: Record<string, string>): Reply => ({
  kind: 'json',
  status,
  body,
  headers,
});
