import { z } from 'zod';

/**
 * An alias's `capture:` block in the gateway config: opt-in storage of its traffic (servers/gateway/gatewayConfig.ts).
 * A body over its cap is not stored (the row keeps its metadata and says the body was omitted), never cut in half.
 */
export const CaptureSettingsSchema = z
  .object({
    /** The share of requests stored, 0 to 1, decided from the response ID's hash. @default 1 */
    sampleRate: z.number().min(0, 'expected a rate from 0 to 1').max(1, 'expected a rate from 0 to 1').default(1),
    /** A request body larger than this (JSON bytes) is not stored. @default 65536 */
    maxRequestBytes: z.number().int().min(1).default(65_536),
    /** A response body larger than this (JSON bytes) is not stored. @default 65536 */
    maxResponseBytes: z.number().int().min(1).default(65_536),
    /** Rows are purged this many days after they were captured. @default 30 */
    retentionDays: z.number().positive().default(30),
  })
  .strict();
export type CaptureSettings = z.infer<typeof CaptureSettingsSchema>;
