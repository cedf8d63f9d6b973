/**
 * Milliseconds in a duration string as specs write them: `500ms`, `5s`, `1.5 hours`, `2 minutes`, `3 days` (the
 * grammar `DurationSchema` in ./duration.ts accepts). NaN for anything else, so a schema refinement can refuse it.
 * Pure and free of imports: workflows read their poll intervals and approval timeouts with it.
 */
export function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/.exec(text.trim());
  if (!m) return NaN;
  const unit = m[2]!;
  const scale = UNITS.find(([names]) => names.includes(unit))?.[1];
  return scale === undefined ? NaN : Number(m[1]) * scale;
}

const UNITS: [string[], number][] = [
  [['ms', 'millisecond', 'milliseconds'], 1],
  [['s', 'second', 'seconds'], 1_000],
  [['m', 'minute', 'minutes'], 60_000],
  [['h', 'hour', 'hours'], 3_600_000],
  [['d', 'day', 'days'], 86_400_000],
];
