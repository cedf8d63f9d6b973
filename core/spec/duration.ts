import { z } from 'zod';

/** A Temporal duration string such as `500ms`, `5s`, `2 minutes`, `3 days` (what `ms` and the SDK accept). */
export const DurationSchema = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(ms|milliseconds?|s|seconds?|m|minutes?|h|hours?|d|days?)$/, 'expected a duration such as "5s", "2 minutes" or "3 days"');

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds in a string that `DurationSchema` accepted (`500ms`, `5s`, `2 minutes`, `3 days`). */
export function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/.exec(text.trim());
  if (!m) return NaN;
  const unit = m[2]!.startsWith('ms') || m[2]!.startsWith('milli') ? 'ms' : m[2]![0]!;
  return Number(m[1]) * (UNIT_MS[unit] ?? NaN);
}
