/** Path captures, %-decoded; a malformed escape (`%zz`, a lone `%`) is the client's mistake: 400, not 500. */
import { invalidRequest } from './apiError';

export function decodePathParams(raw: string[]): string[] {
  return raw.map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      throw invalidRequest(`Invalid URL: the path segment '${p}' holds a malformed %-escape.`, null, 'invalid_url');
    }
  });
}
