const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Parses the short durations the CLI takes (`500ms`, `2s`, `5m`, `1h`, `90d`, `2w`) into milliseconds; undefined when
 * the text is not one. Kept strict (one number, one unit) so a typo is a usage error, not a surprising interval.
 */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * UNITS[m[2]!]!;
  return ms > 0 ? Math.round(ms) : undefined;
}

/**
 * Writes milliseconds back in the largest CLI unit that divides them (`60000` → `1m`, `90000` → `90s`, `1500` →
 * `1500ms`), so what describe prints can be typed back into --every.
 */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = UNITS[unit]!;
    if (ms > 0 && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
