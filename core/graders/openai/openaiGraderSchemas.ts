import { z } from 'zod';
import { parseFormula } from './formula';

/**
 * OpenAI grader configs as OpenAI's docs, SDKs and cookbooks write them, accepted unchanged:
 * `name` optional (defaulted later), `pass_threshold` on any type, `neq` for `ne`, `rouge-1` for `rouge_1`, both
 * `max_completions_tokens` and `max_completion_tokens`, messages with or without `type: "message"`, the `id` the
 * Evals service adds. Unknown keys are still errors, so a misspelt `pass_treshold` is caught.
 */
const ContentItem = z.union([
  z.string(),
  z.object({ type: z.literal('input_text'), text: z.string() }).strict(),
  z.object({ type: z.literal('output_text'), text: z.string() }).strict(),
  z
    .object({
      type: z.literal('input_image'),
      image_url: z.string(),
      detail: z.enum(['high', 'low', 'auto']).default('auto'),
      file_id: z.string().nullable().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('input_audio'),
      input_audio: z.object({ data: z.string(), format: z.enum(['mp3', 'wav']) }).strict(),
    })
    .strict(),
]);
export type GraderContentItem = z.output<typeof ContentItem>;

export const GraderMessageSchema = z
  .object({
    type: z.literal('message').optional(),
    role: z.enum(['user', 'assistant', 'system', 'developer']),
    content: z.union([ContentItem, z.array(ContentItem)]),
  })
  .strict();
export type GraderMessage = z.output<typeof GraderMessageSchema>;

export const SamplingParamsSchema = z
  .object({
    seed: z.number().int().nullable().optional(),
    top_p: z.number().nullable().optional(),
    temperature: z.number().nullable().optional(),
    max_completions_tokens: z.number().int().min(1).nullable().optional(),
    max_completion_tokens: z.number().int().min(1).nullable().optional(),
    /** The 2025 label_model example carries this. */
    max_tokens: z.number().int().min(1).nullable().optional(),
    reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']).nullable().optional(),
  })
  .strict();
export type SamplingParams = z.output<typeof SamplingParamsSchema>;

const common = {
  name: z.string().optional(),
  /** Added by the Evals service to stored criteria. */
  id: z.string().optional(),
  pass_threshold: z.number().optional(),
};

export const StringCheckSchema = z
  .object({
    type: z.literal('string_check'),
    ...common,
    input: z.string(),
    reference: z.string(),
    operation: z.enum(['eq', 'ne', 'neq', 'like', 'ilike']).transform((op) => (op === 'neq' ? 'ne' : op)),
  })
  .strict();

export const SIMILARITY_METRICS = [
  'cosine',
  'fuzzy_match',
  'bleu',
  'gleu',
  'meteor',
  'rouge_1',
  'rouge_2',
  'rouge_3',
  'rouge_4',
  'rouge_5',
  'rouge_l',
] as const;
export type SimilarityMetric = (typeof SIMILARITY_METRICS)[number];

export const TextSimilaritySchema = z
  .object({
    type: z.literal('text_similarity'),
    ...common,
    input: z.string(),
    reference: z.string(),
    // The guide writes rouge-1; the enum says rouge_1.
    evaluation_metric: z.preprocess(
      (m) => (typeof m === 'string' ? m.replace(/^rouge-/, 'rouge_') : m),
      z.enum(SIMILARITY_METRICS),
    ),
    /** Tailor extension: the embedding model behind `cosine`. @default 'text-embedding-3-large' */
    embedding_model: z.string().optional(),
  })
  .strict();

export const ScoreModelSchema = z
  .object({
    type: z.literal('score_model'),
    ...common,
    model: z.string().min(1),
    input: z.array(GraderMessageSchema).min(1),
    range: z
      .tuple([z.number(), z.number()])
      .refine(([lo, hi]) => lo < hi, 'range must be [min, max] with min < max')
      .default([0, 1]),
    sampling_params: SamplingParamsSchema.nullable().optional(),
  })
  .strict();

export const LabelModelSchema = z
  .object({
    type: z.literal('label_model'),
    ...common,
    model: z.string().min(1),
    input: z.array(GraderMessageSchema).min(1),
    labels: z.array(z.string().min(1)).min(1),
    passing_labels: z.array(z.string().min(1)).min(1),
    sampling_params: SamplingParamsSchema.nullable().optional(),
  })
  .strict()
  .refine((g) => g.passing_labels.every((l) => g.labels.includes(l)), {
    message: 'passing_labels must be a subset of labels',
    path: ['passing_labels'],
  });

const PythonSchema = z
  .object({ type: z.literal('python'), ...common, source: z.string(), image_tag: z.string().optional() })
  .strict()
  .refine(() => false, {
    message:
      'python graders run OpenAI-supplied Python in a sandbox (numpy, rapidfuzz, …); Tailor has no such ' +
      'sandbox yet — use text_similarity, string_check or a model grader',
  });

/** Any grader `multi` may hold (everything but `multi`). */
export const SubGraderSchema = z.discriminatedUnion('type', [
  StringCheckSchema,
  TextSimilaritySchema,
  ScoreModelSchema,
  LabelModelSchema,
  PythonSchema,
]);
export type SubGrader = z.output<typeof SubGraderSchema>;

export const MultiSchema = z
  .object({
    type: z.literal('multi'),
    ...common,
    // The service wants a map; the published schema says one object (openai-java#647). A bare grader becomes a
    // one-entry map keyed by its name.
    graders: z.union([
      z.record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a graders key must be a formula identifier'),
        SubGraderSchema,
      ),
      SubGraderSchema,
    ]),
    calculate_output: z.string().min(1),
  })
  .strict()
  .transform((g, ctx) => {
    const graders: Record<string, SubGrader> =
      'type' in g.graders && typeof g.graders.type === 'string'
        ? { [(g.graders as SubGrader).name ?? (g.graders as SubGrader).type]: g.graders as SubGrader }
        : (g.graders as Record<string, SubGrader>);
    const parsed = parseFormula(g.calculate_output, Object.keys(graders));
    if (!parsed.ok)
      ctx.addIssue({ code: 'custom', path: ['calculate_output'], message: `formula_parse_error: ${parsed.error}` });
    return { ...g, graders };
  });

export const OpenAIGraderSchema = z.union([
  StringCheckSchema,
  TextSimilaritySchema,
  ScoreModelSchema,
  LabelModelSchema,
  MultiSchema,
  PythonSchema,
]);
export type StringCheckGrader = z.output<typeof StringCheckSchema>;
export type TextSimilarityGrader = z.output<typeof TextSimilaritySchema>;
export type ScoreModelGrader = z.output<typeof ScoreModelSchema>;
export type LabelModelGrader = z.output<typeof LabelModelSchema>;
export type MultiGrader = z.output<typeof MultiSchema>;
export type OpenAIGrader = StringCheckGrader | TextSimilarityGrader | ScoreModelGrader | LabelModelGrader | MultiGrader;

export const OPENAI_GRADER_TYPES = [
  'string_check',
  'text_similarity',
  'score_model',
  'label_model',
  'multi',
  'python',
] as const;
