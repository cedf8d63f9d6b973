/** Parses a comma-separated list of browser origins from a CLI flag (`--ui-origin`, `--allow-origin`). */
export class OriginListError extends Error {
  override name = 'OriginListError';
}

/** `scheme://host[:port]` entries, no path; an empty or missing value is no origins. */
export function originList(flag: string, raw: string | undefined): string[] {
  const origins = (raw ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const o of origins) {
    if (!/^https?:\/\/[^/]+$/.test(o)) {
      throw new OriginListError(`${flag} expects an origin like http://localhost:8233 (no path), got '${o}'`);
    }
  }
  return origins;
}
