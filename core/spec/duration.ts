import { z } from 'zod';

/** A Temporal duration string such as `500ms`, `5s`, `2 minutes`, `3 days` (what `ms` and the SDK accept). */
export const DurationSchema = z
  .string()
  .regex(
    /^\d+(\.\d+)?\s*(ms|milliseconds?|s|seconds?|m|minutes?|h|hours?|d|days?)$/,
    'expected a duration such as "5s", "2 minutes" or "3 days"',
  );

export { durationMs } from './durationMs';
