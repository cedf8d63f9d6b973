import { z } from 'zod';
import { ACTIVITY_KINDS, type ActivityKind } from '../core/pipeline/activityTimeouts';
import { DurationSchema } from './duration';

/** One kind's override: `'10 minutes'` (the attempt timeout) or any of the three timeouts. */
const TimeoutOverrideSchema = z.union([
  DurationSchema,
  z
    .object({
      startToClose: DurationSchema.optional(),
      heartbeat: DurationSchema.optional(),
      scheduleToClose: DurationSchema.optional(),
    })
    .strict(),
]);

/**
 * The `timeouts:` key of a pipeline.yaml: overrides of the activity timeout table (core/pipeline/activityTimeouts.ts)
 * by kind of work, e.g. `{ data: 1 hour, providerCall: 45s, upload: { heartbeat: 1 minute } }`. Optional, so specs
 * without it keep their hash and run ID; every kind left out keeps its default.
 */
export const TimeoutsSpecSchema = z
  .object(Object.fromEntries(ACTIVITY_KINDS.map((k) => [k, TimeoutOverrideSchema.optional()])) as Record<ActivityKind, z.ZodOptional<typeof TimeoutOverrideSchema>>)
  .strict();
export type TimeoutsSpec = z.infer<typeof TimeoutsSpecSchema>;
