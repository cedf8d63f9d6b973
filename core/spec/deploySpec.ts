import { z } from 'zod';
import { DurationSchema as Duration } from './duration';

/** Who must say yes before the alias moves: nobody (`auto`), or one of `approvers` within `timeout`. */
export const ApprovalPolicySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto') }).strict(),
  z
    .object({
      type: z.literal('manual'),
      /** Names allowed to approve or reject (as given to `tailor approve --by NAME`). */
      approvers: z.array(z.string().min(1)).min(1),
      /** How long the run waits; then it ends `rejected` and nothing changes. @default '3 days' */
      timeout: Duration.default('3 days'),
    })
    .strict(),
]);
export type ApprovalPolicy = z.infer<typeof ApprovalPolicySchema>;

/** Where a promotion is announced besides the registry alias (always moved). */
export const DeployTargetSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('webhook'),
      url: z.url(),
      /** The environment variable holding the HMAC-SHA256 signing secret (never the secret itself). */
      secretEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name'),
    })
    .strict(),
]);
export type DeployTarget = z.infer<typeof DeployTargetSchema>;

export const DeploySpecSchema = z
  .object({
    /** The registry alias this pipeline promotes. @default 'prod' */
    alias: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/)
      .default('prod'),
    /**
     * `auto`, or `{ type: manual, approvers: [...], timeout: '3 days' }`. The shorthand `auto` is
     * accepted. @default auto
     */
    approval: z
      .preprocess((v) => (v === 'auto' ? { type: 'auto' } : v), ApprovalPolicySchema)
      .default({ type: 'auto' }),
    /**
     * Instead of moving the alias, start a canary: the gateway serves the candidate to `percent` of the alias's
     * users (sticky per user key) while the alias keeps its model; `tailor promote NAME@ALIAS` moves the alias to it,
     * `tailor canary abort NAME@ALIAS` stops it. No smoke check runs (the alias does not change).
     */
    canary: z
      .object({
        percent: z
          .number()
          .gt(0, 'expected a percentage above 0 and below 100')
          .lt(100, 'expected a percentage above 0 and below 100'),
        /**
         * Whose alias the canary goes on: this pipeline's `alias` (`self`), or, in a `distill:` pipeline whose
         * teacher is NAME@ALIAS, the teacher's alias (`teacher`), so the student takes a share of its traffic.
         * @default self
         */
        on: z.enum(['self', 'teacher']).optional(),
      })
      .strict()
      .optional(),
    /** Webhooks told of every alias move (signed POST; retried by Temporal). @default [] */
    targets: z.array(DeployTargetSchema).default([]),
    smoke: z
      .object({
        /** Held-out cases scored through the alias right after it moves. @default 20 */
        examples: z.number().int().min(1).max(1000).default(20),
        /** The smoke score may fall at most this far below the candidate's evaluation score. @default 0.15 */
        tolerance: z.number().min(0).max(1).default(0.15),
      })
      .strict()
      .default({ examples: 20, tolerance: 0.15 }),
  })
  .strict();
export type DeploySpec = z.infer<typeof DeploySpecSchema>;
