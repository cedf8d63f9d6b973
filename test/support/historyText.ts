/**
 * Every string in a workflow history with payloads decoded (they are JSON bytes), so a test can search history for
 * what a user could read from it: a secret must never be found there.
 */
export function historyText(history: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (v instanceof Uint8Array) parts.push(Buffer.from(v).toString('utf8'));
    else if (typeof v === 'string') parts.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v as Record<string, unknown>).forEach(walk);
  };
  walk(history);
  return parts.join('\n');
}
