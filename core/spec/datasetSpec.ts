import { z } from 'zod';
import { DurationSchema } from './duration';

/** The source formats `prepareDataset` reads; everything is converted to one normalised JSONL shape per method. */
export const DatasetFormatSchema = z.enum(['chat', 'prompt_completion', 'csv', 'tsv', 'dpo', 'reinforcement']);
export type DatasetFormat = z.infer<typeof DatasetFormatSchema>;

/**
 * How a CSV/TSV row becomes a chat example. Each value is a template in which `{{column}}` is replaced by that
 * column of the row (header names, case-sensitive). A template without `{{` that names a column is read as that
 * column, so `user: ticket` works as well as `user: "{{ticket}}"`.
 * When `columns` is absent, the header must contain `user`/`assistant` (optionally `system`) or `prompt`/`completion`.
 */
export const ColumnMappingSchema = z
  .object({
    /** System message template; omitted when absent or when it renders empty. */
    system: z.string().optional(),
    /** User message template. */
    user: z.string().min(1),
    /** Assistant message template: the answer the model is trained to give. */
    assistant: z.string().min(1),
  })
  .strict();
export type ColumnMapping = z.infer<typeof ColumnMappingSchema>;

export const SplitSpecSchema = z
  .object({
    /** Share of kept examples for the validation split (shown to the provider as `validation_file`). @default 0.1 */
    validation: z.number().min(0).max(0.5).default(0.1),
    /**
     * Share held out as the evaluation set every variant is scored on; never overlaps train or validation. @default 0.2
     */
    test: z.number().min(0).max(0.5).default(0.2),
    /**
     * Mixed into the content hash that orders examples, so a different seed gives a different but stable
     * split. @default 'tailor'
     */
    seed: z.string().default('tailor'),
    /**
     * Split each label separately when the assistant answers are short labels, so every split has each label's
     * share. @default true
     */
    stratify: z.boolean().default(true),
    /**
     * Keep groups whole: a dotted key into each source line (`metadata.template`; a column name for CSV/TSV) whose
     * value (string or number) names the example's group; every example of a group lands in the same split, so
     * nothing held out shares a group with training. With `stratify`, a group counts under its most frequent label.
     * Every kept line must have the key. @default none (examples split one by one)
     */
    groupBy: z
      .string()
      .regex(/^[^.\s]+(\.[^.\s]+)*$/, 'expected a dotted key such as metadata.template')
      .optional(),
  })
  .strict();

export const DedupeSpecSchema = z
  .object({
    /** Drop examples whose normalised content is identical to an earlier one. @default true */
    exact: z.boolean().default(true),
    /** Drop examples whose MinHash-estimated Jaccard similarity to an earlier one reaches `threshold`. @default true */
    near: z.boolean().default(true),
    /**
     * Jaccard similarity (word 3-gram shingles) at or above which two examples count as near-duplicates. @default 0.9
     */
    threshold: z.number().min(0.5).max(1).default(0.9),
  })
  .strict();

export const PiiKindSchema = z.enum(['email', 'phone', 'card', 'ip', 'secret']);
export type PiiKind = z.infer<typeof PiiKindSchema>;

export const PiiSpecSchema = z
  .object({
    /**
     * Replace personal data and secrets with placeholders such as `[EMAIL]` before anything leaves the
     * machine. @default true
     */
    scrub: z.boolean().default(true),
    /** Which kinds to scrub. @default all: email, phone, card (Luhn-checked), ip, secret (API keys and tokens) */
    kinds: z.array(PiiKindSchema).default(['email', 'phone', 'card', 'ip', 'secret']),
  })
  .strict();

export const LengthSpecSchema = z
  .object({
    /** Drop examples with fewer tokens (target model's tokenizer, whole example). @default no minimum */
    minTokens: z.number().int().min(0).optional(),
    /** Drop examples with more tokens. @default no maximum besides the model's training-example limit */
    maxTokens: z.number().int().min(1).optional(),
    /**
     * Drop examples over the target model's training-example limit instead of letting the provider truncate
     * them. @default true
     */
    dropOverModelLimit: z.boolean().default(true),
  })
  .strict();

/**
 * Size limits on the source file (core/dataset/datasetLimits.ts); going over one fails prepare/validate with
 * `file:line: …` naming the key, and nothing is stored. Optional, so specs without it keep their hash and run ID.
 */
export const DatasetLimitsSchema = z
  .object({
    /** Largest line (JSONL) in bytes. @default 33554432 (32 MiB) */
    maxLineBytes: z.number().int().min(1).optional(),
    /** Largest source file in bytes. @default 2147483648 (2 GiB) */
    maxFileBytes: z.number().int().min(1).optional(),
    /** Most examples (non-blank lines, or CSV rows). @default 2000000 */
    maxExamples: z.number().int().min(1).optional(),
    /** Fail data prep when over this share of the lines are not examples (duplicates do not count). @default 0.5 */
    maxRejectedFraction: z.number().min(0).max(1).optional(),
  })
  .strict();
export type DatasetLimitsSpec = z.infer<typeof DatasetLimitsSchema>;

/**
 * The `dataset:` key of a pipeline.yaml. Every optional field has a default, so `{ path }` alone is a complete spec.
 */
export const DatasetSpecSchema = z
  .object({
    /**
     * The source file; the pipeline loader resolves it relative to the spec file and checks it exists. Required
     * unless `source: feedback` or `source: capture` (then the export of the feedback table or of the gateway's
     * captured traffic is the file).
     */
    path: z.string().default(''),
    /**
     * Where the examples come from: `file` (`path`) or `feedback`, the registry's feedback table exported as
     * `tailor feedback export` does (format `dpo`: corrections and preferences as pairs; `chat`: corrected and
     * highly rated answers), or `distill`, the teacher's answers to the spec's `distill:` prompts. Left unset for
     * files so older specs keep their hash. @default 'file'
     */
    source: z.enum(['file', 'feedback', 'capture', 'distill']).optional(),
    /** `source: capture`: whose traffic the gateway captured, as NAME@ALIAS (`tailor capture export` does the same). */
    alias: z.string().min(1).optional(),
    /** `source: capture`: only answers rated at least this (1-5, thumbs up = 5), or corrected. @default every answer */
    minRating: z.number().int().min(1).max(5).optional(),
    /** `source: capture`: at most this many captured requests, a fixed sample by response ID. @default all */
    sampleSize: z.number().int().min(1).optional(),
    /**
     * `source: feedback`: a run needs at least this many feedback items new since the last successful run. @default 1
     */
    minCount: z.number().int().min(1).optional(),
    /** `source: feedback`: only feedback received within this long before the run (e.g. `30d`). @default all */
    window: DurationSchema.optional(),
    /** `source: feedback`: only feedback about this model. @default every model */
    model: z.string().min(1).optional(),
    /** How to read the source. @default 'chat' */
    format: DatasetFormatSchema.default('chat'),
    /** CSV/TSV only: how a row maps onto a chat example. */
    columns: ColumnMappingSchema.optional(),
    /** Deterministic, content-hashed train/validation/test split. */
    split: SplitSpecSchema.default({ validation: 0.1, test: 0.2, seed: 'tailor', stratify: true }),
    /** Exact and near-duplicate removal. */
    dedupe: DedupeSpecSchema.default({ exact: true, near: true, threshold: 0.9 }),
    /** PII and secret scrubbing. */
    pii: PiiSpecSchema.default({ scrub: true, kinds: ['email', 'phone', 'card', 'ip', 'secret'] }),
    /** Token-length filters. */
    length: LengthSpecSchema.default({ dropOverModelLimit: true }),
    /** Size limits on the source; the defaults of core/dataset/datasetLimits.ts when absent. */
    limits: DatasetLimitsSchema.optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    const feedback = d.source === 'feedback';
    const capture = d.source === 'capture';
    if (!feedback && !capture && d.source !== 'distill' && d.path === '') {
      ctx.addIssue({ code: 'custom', path: ['path'], message: 'expected the dataset file (or source: feedback)' });
    }
    if (d.source === 'distill' && d.format !== 'chat') {
      ctx.addIssue({
        code: 'custom',
        path: ['format'],
        message: `source: distill gives 'chat' data, not '${d.format}'`,
      });
    }
    if ((feedback || capture) && d.format !== 'dpo' && d.format !== 'chat') {
      const message = `source: ${d.source} gives 'dpo' or 'chat' data, not '${d.format}'`;
      ctx.addIssue({ code: 'custom', path: ['format'], message });
    }
    for (const key of ['minCount', 'model'] as const) {
      if (!feedback && d[key] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'only used with source: feedback' });
      }
    }
    if (!feedback && !capture && d.window !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['window'], message: 'only used with source: feedback or source: capture' });
    }
    for (const key of ['alias', 'minRating', 'sampleSize'] as const) {
      if (!capture && d[key] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'only used with source: capture' });
      }
    }
    if (capture && d.alias === undefined) {
      const message = 'source: capture needs the alias whose traffic to use (NAME@ALIAS)';
      ctx.addIssue({ code: 'custom', path: ['alias'], message });
    } else if (capture && !/^[a-z0-9][a-z0-9-]*@[a-z0-9][a-z0-9_-]*$/.test(d.alias!)) {
      const message = `expected NAME@ALIAS (e.g. tickets@prod), got '${d.alias}'`;
      ctx.addIssue({ code: 'custom', path: ['alias'], message });
    }
  });
export type DatasetSpec = z.infer<typeof DatasetSpecSchema>;
/** What a user may write (every defaulted field optional). */
export type DatasetSpecInput = z.input<typeof DatasetSpecSchema>;
