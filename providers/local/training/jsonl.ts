/**
 * JSONL parsing for uploaded fine-tune files. A file whose lines are not all JSON objects is
 * "malformed": its status becomes `error` with the first bad line in `status_details`, and any job
 * on it fails with `invalid_training_file`.
 */
export type JsonlResult = { ok: true; rows: Record<string, unknown>[] } | { ok: false; reason: string };

export function parseJsonl(bytes: Buffer): JsonlResult {
  const text = bytes.toString('utf8');
  const rows: Record<string, unknown>[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      return { ok: false, reason: `Invalid file format. Line ${i + 1} is not valid JSON: ${(err as Error).message}` };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { ok: false, reason: `Invalid file format. Line ${i + 1} is not a JSON object.` };
    }
    rows.push(value as Record<string, unknown>);
  }
  if (rows.length === 0) return { ok: false, reason: 'Invalid file format. The file contains no examples.' };
  return { ok: true, rows };
}
