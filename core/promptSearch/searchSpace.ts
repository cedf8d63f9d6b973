import { z } from 'zod';
import { FewShotStrategySchema } from '../fewshot/fewShotSpec';

/**
 * A prompt-search space file (YAML): the starting template and, per part, the alternatives to try. A part not
 * listed keeps the starting template's value. Candidates are the combinations (core/promptSearch/candidates.ts),
 * the starting template always first, so the search reports how much it beat it by.
 */
const Alternatives = <T extends z.ZodType>(item: T) => z.array(item).min(1, 'expected at least one alternative');

export const FewShotChoiceSchema = z
  .object({
    /** Examples per prompt from the train split; 0 = zero-shot. */
    k: z.number().int().min(0).max(20),
    /** How examples are picked (core/fewshot strategies). @default random, seeded with the space's seed */
    strategy: FewShotStrategySchema.optional(),
  })
  .strict();
export type FewShotChoice = z.output<typeof FewShotChoiceSchema>;

export const SearchPartsSchema = z
  .object({
    /** Role wordings (the template's `system`). */
    system: Alternatives(z.string().min(1)).optional(),
    /** Instruction wordings. */
    instructions: Alternatives(z.string().min(1)).optional(),
    /** Constraint sets: each alternative is a whole list (`[]` for none). */
    constraints: Alternatives(z.array(z.string().min(1))).optional(),
    /** Output-format wordings. */
    outputFormat: Alternatives(z.string().min(1)).optional(),
    /** Step-by-step on/off (`true`, `false`, or a cue of your own). */
    stepByStep: Alternatives(z.union([z.boolean(), z.string().min(1)])).optional(),
    /** Few-shot settings: `{k: 0}` is zero-shot. */
    fewShot: Alternatives(FewShotChoiceSchema).optional(),
  })
  .strict();
export type SearchParts = z.output<typeof SearchPartsSchema>;
export const PART_NAMES = ['system', 'instructions', 'constraints', 'outputFormat', 'stepByStep', 'fewShot'] as const;
export type PartName = (typeof PART_NAMES)[number];

export const SearchSpaceSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'expected lowercase letters, digits, ".", "_" or "-" (at most 63)'),
    description: z.string().optional(),
    /** The starting prompt template (relative to this file): scored first, and the source of unlisted parts. */
    base: z.string().min(1),
    /** Seeds the order combinations are tried in and the random few-shot draws. @default tailor */
    seed: z.string().min(1).default('tailor'),
    parts: SearchPartsSchema.default({}),
    /** Most combinations generated (a seeded sample when the space holds more). @default 64 */
    sample: z.number().int().min(1).max(1000).default(64),
    /** Candidates evaluated at once (one child workflow each); the rewriter runs between rounds. @default 4 */
    roundSize: z.number().int().min(1).max(32).default(4),
    budget: z
      .object({
        /** Most candidates evaluated, the starting prompt included. @default 12 */
        candidates: z.number().int().min(1).max(1000).default(12),
        /** Most USD spent on development-split answers (list prices from token counts). @default no limit */
        usd: z.number().positive().optional(),
      })
      .strict()
      .default({ candidates: 12 }),
    evaluation: z
      .object({
        /** Cap on development (validation split) cases per candidate. @default the whole split */
        devExamples: z.number().int().positive().optional(),
        /** Cap on held-out (test split) cases for the winner. @default the whole split */
        testExamples: z.number().int().positive().optional(),
      })
      .strict()
      .default({}),
    /** A model that rewrites the best candidate's instructions from its failures, between rounds. @default off */
    rewriter: z
      .object({
        model: z.string().min(1),
        /** Rewrites proposed in all. @default 1 */
        rounds: z.number().int().min(1).max(20).default(1),
        /** Failed cases shown to the model. @default 8 */
        failures: z.number().int().min(1).max(50).default(8),
      })
      .strict()
      .optional(),
  })
  .strict();
export type SearchSpace = z.output<typeof SearchSpaceSchema>;
