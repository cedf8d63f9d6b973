import { z } from 'zod';
import { DurationSchema } from './duration';
import { ProviderSpecSchema } from './providerSpec';

const ALIAS_REF = /^[a-z0-9][a-z0-9-]*@[a-z0-9][a-z0-9_-]*$/;

/**
 * How the teacher is prompted. The student is always asked zero-shot with the prompt's own messages, so a teacher
 * with `fewShot` or `system` is a prompted base model whose behaviour the student learns to reproduce without them.
 */
export const TeacherPromptSchema = z
  .object({
    /**
     * Put this many worked examples (user/assistant turns) before each prompt; they are drawn, seeded by the prompt's
     * content, from the prompts that carry a `reference` and are not held out, never the prompt itself. @default 0
     */
    fewShot: z.number().int().min(0).max(20).optional(),
    /** A system message for the teacher, in place of any the prompt carries. @default the prompt's own */
    system: z.string().min(1).optional(),
  })
  .strict();
export type TeacherPrompt = z.infer<typeof TeacherPromptSchema>;

/** The model whose answers become the training set. */
export const TeacherSpecSchema = z
  .object({
    /**
     * A model ID on the teacher's provider (`gpt-4o-2024-08-06`, a fine-tuned `ft:…` ID, a local model name), or
     * NAME@ALIAS: the model the registry's alias points at when the run starts (an alias naming no model fails
     * preflight, before anything is uploaded or trained).
     */
    model: z.string().min(1),
    /** Where the teacher runs, by environment-variable names. @default the pipeline's `provider` */
    provider: ProviderSpecSchema.optional(),
    /** How the teacher is prompted. @default the prompt's own messages, zero-shot */
    prompt: TeacherPromptSchema.optional(),
    /** Sampling temperature for the teacher's answers. @default 0 */
    temperature: z.number().min(0).max(2).optional(),
    /** Longest teacher answer, in tokens. @default the provider's default */
    maxTokens: z.number().int().min(1).optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.model.includes('@') && !ALIAS_REF.test(t.model)) {
      const message = `expected a model ID or NAME@ALIAS (e.g. tickets@prod), got '${t.model}'`;
      ctx.addIssue({ code: 'custom', path: ['model'], message });
    }
  });
export type TeacherSpec = z.infer<typeof TeacherSpecSchema>;

/** Prompts from the gateway's captured traffic of an alias (the user turns only; the captured answers are unused). */
export const CapturePromptsSchema = z
  .object({
    from: z.literal('capture'),
    /** Whose traffic the gateway captured, as NAME@ALIAS. */
    alias: z.string().regex(ALIAS_REF, 'expected NAME@ALIAS (e.g. tickets@prod)'),
    /** Only requests captured within this long before the run (e.g. `7d`). @default all */
    window: DurationSchema.optional(),
    /** At most this many captured requests, a fixed sample by response ID. @default all */
    sample: z.number().int().min(1).optional(),
  })
  .strict();

/**
 * Prompts from a JSONL file, one `{"messages": [...]}` per line ending in a user turn (or in an assistant turn,
 * which is then the line's `reference`), optionally `"reference": "the correct answer"`. The reference is never
 * shown to the teacher or trained on; it scores accuracy on the held-out prompts.
 */
export const FilePromptsSchema = z
  .object({
    from: z.literal('file'),
    /** The JSONL file, relative to the spec file. */
    path: z.string().min(1),
  })
  .strict();

export const DistillPromptsSchema = z.discriminatedUnion('from', [CapturePromptsSchema, FilePromptsSchema], {
  error: "expected prompts: { from: 'capture', alias: NAME@ALIAS } or { from: 'file', path: prompts.jsonl }",
});
export type DistillPrompts = z.infer<typeof DistillPromptsSchema>;

/**
 * The `distill:` key of a pipeline.yaml. The teacher answers the prompts; its answers are the SFT training set
 * (validated, token-counted and priced like any dataset, with the spec's `dataset:` options); the student is the
 * spec's `baseModel` fine-tuned by `fineTune:`; the gate compares student and teacher on the held-out prompts.
 */
export const DistillSpecSchema = z
  .object({
    teacher: TeacherSpecSchema,
    prompts: DistillPromptsSchema,
    /**
     * Share of the prompts kept out of training; student and teacher both answer them, and the report gives
     * agreement (student matches teacher), accuracy (where a reference exists) and cost per 1,000 requests.
     * @default 0.2
     */
    heldOut: z.number().gt(0).max(0.5).default(0.2),
    /** Mixed into the content hash that picks the held-out prompts and few-shot examples. @default 'tailor' */
    seed: z.string().min(1).default('tailor'),
    /**
     * The gate also needs the student to agree with the teacher on at least this share of the held-out prompts.
     * @default none (agreement is reported, the spec's `gate:` decides)
     */
    minAgreement: z.number().min(0).max(1).optional(),
    /** Teacher requests in flight. @default 4 */
    concurrency: z.number().int().min(1).max(64).default(4),
  })
  .strict();
export type DistillSpec = z.infer<typeof DistillSpecSchema>;
export type DistillSpecInput = z.input<typeof DistillSpecSchema>;
