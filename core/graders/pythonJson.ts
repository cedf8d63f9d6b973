/**
 * `json.dumps(value)` as Python writes it with default settings: ", " and ": " separators and non-ASCII escaped as
 * \uXXXX. Numbers print as JavaScript prints them (Python would print 1.0 where JSON text had 1.0; the parsed value
 * no longer knows), a difference recorded in the run report.
 */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return asciiString(value);
  if (typeof value === 'number')
    return Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${asciiString(k)}: ${pythonJson(v)}`)
      .join(', ')}}`;
  }
  return asciiString(String(value));
}

function asciiString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
