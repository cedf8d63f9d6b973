export type JsonObject = Record<string, unknown>;

/** A plain JSON object: not null, not an array (the guide's `isinstance(ex, dict)`). */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Short, single-line rendering of a value for error messages; never dumps a huge value into a report. */
export function preview(v: unknown, max = 60): string {
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
