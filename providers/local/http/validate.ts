/**
 * Checks a request body against its zod schema and turns the first issue into OpenAI's 400, naming
 * the offending parameter in `param` the way the API does.
 */
import type { z } from 'zod';
import { invalidRequest } from './apiError';

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const param = issue.path.length ? issue.path.map(String).join('.') : null;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    throw invalidRequest(`Unrecognized request argument supplied: ${key}`, key);
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    throw invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
  }
  throw invalidRequest(`Invalid value for '${param ?? 'body'}': ${issue.message}`, param, 'invalid_value');
}
