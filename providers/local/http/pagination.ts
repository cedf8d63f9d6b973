/**
 * Cursor pagination as OpenAI does it: `after` is the id of the last item already seen, `limit`
 * caps the page, and `has_more` says whether another page exists. Items arrive already ordered.
 */
import { invalidRequest } from './apiError';

export interface Page<T> {
  data: T[];
  has_more: boolean;
}

export function paginate<T extends { id: string }>(items: T[], after: string | null, limit: number): Page<T> {
  let start = 0;
  if (after) {
    const i = items.findIndex((x) => x.id === after);
    // An unknown cursor yields an empty page rather than an error, which is what a deleted item's cursor gets.
    start = i >= 0 ? i + 1 : items.length;
  }
  const data = items.slice(start, start + limit);
  return { data, has_more: start + limit < items.length };
}

export function parseLimit(raw: string | null, fallback: number, max: number): number {
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw invalidRequest(`Invalid 'limit': must be an integer between 1 and ${max}.`, 'limit', 'invalid_value');
  return n;
}
