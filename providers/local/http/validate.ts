/**
 * Checks a request body against its zod schema and turns the first issue into OpenAI's 400, naming
 * the offending parameter in `param` the way the API does.
 */
import type { z } from 'zod';
import { invalidRequest } from './apiError';

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest(
      `The request body must be a JSON object, got ` +
        `${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}.`,
      null,
      'invalid_value',
    );
  }
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const param = issue.path.length ? issue.path.map(String).join('.') : null;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    throw invalidRequest(`Unrecognized request argument supplied: ${key}`, key);
  }
  // zod 4 leaves `issue.input` out of issues, so "missing" is decided by looking the path up in the body.
  if (issue.code === 'invalid_type' && valueAt(body, issue.path) === undefined) {
    throw invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
  }
  throw invalidRequest(`Invalid value for '${param ?? 'body'}': ${issue.message}`, param, 'invalid_value');
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let v = body;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}
