import { z } from 'zod';
import {
  LabelModelSchema,
  MultiSchema,
  ScoreModelSchema,
  StringCheckSchema,
  TextSimilaritySchema,
} from './openai/openaiGraderSchemas';

/**
 * Every assertion an eval suite can make, per case or per suite: Tailor's own (promptfoo-like names) and OpenAI's
 * grader configs, taken as written. Values are templates in OpenAI's syntax (`{{item.expected}}`,
 * `{{sample.output_text}}`); where a value is optional it defaults to the case's expected answer.
 */
const name = z.string().min(1).optional();
const EXPECTED = '{{item.expected}}';

export const ExactMatchSchema = z
  .object({ type: z.literal('exact_match'), name, value: z.string().default(EXPECTED) })
  .strict();
export const ContainsSchema = z
  .object({
    type: z.literal('contains'),
    name,
    value: z.string().default(EXPECTED),
    caseSensitive: z.boolean().default(false),
  })
  .strict();
export const RegexSchema = z
  .object({
    type: z.literal('regex'),
    name,
    pattern: z.string().min(1),
    flags: z
      .string()
      .regex(/^[imsu]*$/, 'flags may be i, m, s and u')
      .default(''),
  })
  .strict()
  .superRefine((r, ctx) => {
    try {
      new RegExp(r.pattern, r.flags);
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        path: ['pattern'],
        message: `not a valid regular expression: ${(err as Error).message}`,
      });
    }
  });
export const JsonSchemaAssertionSchema = z
  .object({ type: z.literal('json_schema'), name, schema: z.union([z.boolean(), z.record(z.string(), z.unknown())]) })
  .strict();
export const JsonFieldSchema = z
  .object({ type: z.literal('json_field'), name, path: z.string().min(1), equals: z.unknown() })
  .strict();
export const NumericSchema = z
  .object({
    type: z.literal('numeric'),
    name,
    value: z.union([z.number(), z.string()]).default(EXPECTED),
    /** Absolute tolerance, or relative (a fraction of the expected value) with `relative: true`. @default 0 */
    tolerance: z.number().min(0).default(0),
    relative: z.boolean().default(false),
  })
  .strict();
export const ClassificationSchema = z
  .object({
    type: z.literal('classification'),
    name,
    /** The label set; an answer outside it is counted as '(other)'. Default: every expected label seen. */
    labels: z.array(z.string().min(1)).optional(),
    expected: z.string().default(EXPECTED),
  })
  .strict();
export const EmbeddingSimilaritySchema = z
  .object({
    type: z.literal('embedding_similarity'),
    name,
    value: z.string().default(EXPECTED),
    threshold: z.number().min(-1).max(1).default(0.8),
    model: z.string().default('text-embedding-3-small'),
  })
  .strict();
export const LlmJudgeSchema = z
  .object({
    type: z.literal('llm_judge'),
    name,
    rubric: z.string().min(1),
    model: z.string().min(1),
    /** `pairwise` compares the answer with `against`, twice with positions swapped, to cancel position bias. */
    mode: z.enum(['single', 'pairwise']).default('single'),
    against: z.string().default(EXPECTED),
    /** Score in [0, 1] needed to pass (pairwise: 0.5 means "at least as good as `against`"). @default 0.5 */
    threshold: z.number().min(0).max(1).default(0.5),
  })
  .strict();
export const LatencySchema = z.object({ type: z.literal('latency'), name, maxMs: z.number().positive() }).strict();
export const CostSchema = z.object({ type: z.literal('cost'), name, maxUsd: z.number().positive() }).strict();
const Swap = z.union([
  z.tuple([z.string().min(1), z.string().min(1)]),
  z.object({ from: z.string().min(1), to: z.string().min(1) }).strict(),
]);
export const CounterfactualSchema = z
  .object({
    type: z.literal('counterfactual'),
    name,
    /**
     * Terms swapped both ways in the user messages (`[he, she]`, `{from: John, to: Aisha}`), whole words, case kept.
     */
    swaps: z
      .array(Swap)
      .min(1)
      .transform((xs) => xs.map((s) => (Array.isArray(s) ? { from: s[0], to: s[1] } : s))),
    /** How the two answers must agree. @default 'normalised' */
    equivalence: z.enum(['exact', 'normalised', 'fuzzy']).default('normalised'),
    /** For `fuzzy`: the least fuzzy_match ratio that counts as equivalent. @default 0.9 */
    threshold: z.number().min(0).max(1).default(0.9),
  })
  .strict();

/** Retrieval quality of a RAG prompt against labelled relevant passages (`source` or `source#heading`). */
const Relevant = z.union([z.array(z.string().min(1)).min(1), z.string().min(1)]).default('{{item.relevant}}');
export const RetrievalRecallSchema = z
  .object({
    type: z.literal('retrieval_recall_at_k'),
    name,
    relevant: Relevant,
    k: z.number().int().positive().optional(),
    min: z.number().min(0).max(1).default(1),
  })
  .strict();
export const RetrievalMrrSchema = z
  .object({ type: z.literal('retrieval_mrr'), name, relevant: Relevant, min: z.number().min(0).max(1).default(0.5) })
  .strict();
/** Share of the answer's content words found in the passages it cites (lexical overlap, no judge). */
export const FaithfulnessSchema = z
  .object({ type: z.literal('faithfulness'), name, min: z.number().min(0).max(1).default(0.8) })
  .strict();

const NATIVE = {
  exact_match: ExactMatchSchema,
  contains: ContainsSchema,
  regex: RegexSchema,
  json_schema: JsonSchemaAssertionSchema,
  json_field: JsonFieldSchema,
  numeric: NumericSchema,
  classification: ClassificationSchema,
  embedding_similarity: EmbeddingSimilaritySchema,
  llm_judge: LlmJudgeSchema,
  latency: LatencySchema,
  cost: CostSchema,
  counterfactual: CounterfactualSchema,
  retrieval_recall_at_k: RetrievalRecallSchema,
  retrieval_mrr: RetrievalMrrSchema,
  faithfulness: FaithfulnessSchema,
} as const;

const OPENAI = {
  string_check: StringCheckSchema,
  text_similarity: TextSimilaritySchema,
  score_model: ScoreModelSchema,
  label_model: LabelModelSchema,
  multi: MultiSchema,
} as const;

type Schemas = typeof NATIVE & typeof OPENAI;
export type Assertion = { [K in keyof Schemas]: z.output<Schemas[K]> }[keyof Schemas];
export type AssertionType = Assertion['type'];
export type AssertionOf<T extends AssertionType> = Extract<Assertion, { type: T }>;

const ALL: Record<string, z.ZodType> = { ...NATIVE, ...OPENAI };
export const ASSERTION_TYPES = Object.keys(ALL);

/**
 * Dispatches on `type` before validating, so a mistake is reported against the one schema it was meant for
 * ("pattern: not a valid regular expression") rather than as "matches none of 17 alternatives".
 */
export const AssertionSchema = z.unknown().transform((v, ctx): Assertion => {
  const type = v && typeof v === 'object' ? (v as { type?: unknown }).type : undefined;
  if (type === 'python') {
    ctx.addIssue({
      code: 'custom',
      path: ['type'],
      message:
        'python graders run Python in a sandbox, which Tailor does not have yet; use text_similarity, ' +
        'string_check, multi or a model grader',
    });
    return z.NEVER;
  }
  const schema = typeof type === 'string' ? ALL[type] : undefined;
  if (!schema) {
    ctx.addIssue({
      code: 'custom',
      path: ['type'],
      message: `unknown assertion type ${JSON.stringify(type)}; expected one of ${ASSERTION_TYPES.join(', ')}`,
    });
    return z.NEVER;
  }
  const r = schema.safeParse(v);
  if (!r.success) {
    for (const issue of r.error.issues) {
      const path = issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys.slice(0, 1)] : issue.path;
      ctx.addIssue({ code: 'custom', message: issueMessage(issue), path } as never);
    }
    return z.NEVER;
  }
  return r.data as Assertion;
});

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message))
    return `missing (${issue.expected} expected)`;
  return issue.message;
}

/** Unique names for a list of assertions: the given name, else the type, with #2, #3 for repeats. */
export function assertionNames(assertions: readonly Assertion[]): string[] {
  const seen = new Map<string, number>();
  return assertions.map((a) => {
    const base = a.name ?? a.type;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  });
}

/** Assertions that call a model or the embeddings endpoint: their grades are cached like completions. */
export function usesProvider(a: Assertion): boolean {
  switch (a.type) {
    case 'embedding_similarity':
    case 'llm_judge':
    case 'counterfactual':
    case 'score_model':
    case 'label_model':
      return true;
    case 'text_similarity':
      return a.evaluation_metric === 'cosine';
    case 'multi':
      return Object.values(a.graders).some(
        (g) =>
          g.type === 'score_model' ||
          g.type === 'label_model' ||
          (g.type === 'text_similarity' && g.evaluation_metric === 'cosine'),
      );
    default:
      return false;
  }
}
