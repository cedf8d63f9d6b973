import { z } from 'zod';
import { ACTIVITY_KINDS, type ActivityKind } from '../activityOptions/activityTimeouts';
import { DurationSchema, durationMs } from '../spec/duration';

/** Shorter than this, an attempt could not even reach its worker: Temporal refuses the schedule and the run loops. */
const MIN_TIMEOUT_MS = 1_000;

/** An activity timeout: a duration of at least one second. */
const TimeoutSchema = DurationSchema.refine((d) => durationMs(d) >= MIN_TIMEOUT_MS, 'a timeout must be at least 1s');

/** One kind's override: `'10 minutes'` (the attempt timeout) or any of the three timeouts. */
const TimeoutOverrideSchema = z.union([
  TimeoutSchema,
  z
    .object({
      startToClose: TimeoutSchema.optional(),
      heartbeat: TimeoutSchema.optional(),
      scheduleToClose: TimeoutSchema.optional(),
    })
    .strict(),
]);

/**
 * The `timeouts:` key of a pipeline.yaml: overrides of the activity timeout table
 * (core/activityOptions/activityTimeouts.ts) by kind of work, e.g. `{ data: 1 hour, providerCall: 45s, upload:
 * { heartbeat: 1 minute } }`. Optional, so specs without it keep their hash and run ID; every kind left out keeps its
 * default.
 */
export const TimeoutsSpecSchema = z
  .object(
    Object.fromEntries(ACTIVITY_KINDS.map((k) => [k, TimeoutOverrideSchema.optional()])) as Record<
      ActivityKind,
      z.ZodOptional<typeof TimeoutOverrideSchema>
    >,
  )
  .strict();
export type TimeoutsSpec = z.infer<typeof TimeoutsSpecSchema>;
