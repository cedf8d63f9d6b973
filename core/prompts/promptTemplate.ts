import { z } from 'zod';
import { scanPlaceholders } from './placeholders';

/**
 * A prompt template file (YAML): the parts of a good prompt kept apart, so a variant can change one part (the
 * constraints, the output format, a step-by-step cue) and the version tells exactly which prompt scored what.
 *
 * The system message is the non-empty parts joined by `separator`, in this order: `system` (the role),
 * `instructions`, `constraints` (a "- " list when the separator holds a newline, else sentences), `outputFormat`,
 * the step-by-step cue. The user message is `user` with `{{var}}` filled in. Placeholders may appear in any part;
 * every one must be declared under `variables`, and every declared variable must be used.
 */
const VarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a variable name (letters, digits, _)');

export const PromptVariableSchema = z
  .object({
    description: z.string().optional(),
    /** Used when a case does not supply the variable; without it a missing variable is an error. */
    default: z.string().optional(),
  })
  .strict();
export type PromptVariable = z.infer<typeof PromptVariableSchema>;

export const DEFAULT_STEP_BY_STEP_CUE = 'Think through the problem step by step before you give the final answer.';

/** Parts in the order they are rendered; also the fields placeholders are checked in. */
export const TEXT_PARTS = ['system', 'instructions', 'outputFormat', 'user'] as const;

export const PromptTemplateSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'expected lowercase letters, digits, ".", "_" or "-" (at most 63)'),
    description: z.string().optional(),
    /** The role the model plays ("You are a support-ticket classifier."). */
    system: z.string().min(1),
    /** What to do with the input. */
    instructions: z.string().optional(),
    /** Rules the answer must respect, one per entry. @default [] */
    constraints: z.array(z.string().min(1)).default([]),
    /** The shape of the answer ("Answer with the label only."). */
    outputFormat: z.string().optional(),
    /** `true` adds the default cue; a string is a cue of your own. @default false */
    stepByStep: z.union([z.boolean(), z.string().min(1)]).default(false),
    /** Joins the system parts. @default "\n\n" */
    separator: z.string().default('\n\n'),
    /** Declared variables: a list of names, or a map of name → {description, default}. @default {} */
    variables: z
      .union([z.array(VarName), z.record(VarName, PromptVariableSchema.nullable())])
      .default({})
      .transform((v): Record<string, PromptVariable> =>
        Array.isArray(v)
          ? Object.fromEntries(v.map((name) => [name, {}]))
          : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x ?? {}])),
      ),
    /** The user message, e.g. `"{{ticket}}"`. */
    user: z.string().min(1),
  })
  .strict()
  .superRefine((t, ctx) => {
    const used = new Set<string>();
    const check = (text: string | undefined, path: (string | number)[]) => {
      if (text === undefined) return;
      const scan = scanPlaceholders(text);
      for (const bad of scan.malformed)
        ctx.addIssue({
          code: 'custom',
          path,
          message: `malformed placeholder ${bad}: expected {{name}} with a declared variable name`,
        });
      for (const name of scan.names) {
        used.add(name);
        if (!(name in t.variables))
          ctx.addIssue({ code: 'custom', path, message: `undeclared variable '${name}' (declare it under variables)` });
      }
    };
    for (const part of TEXT_PARTS) check(t[part], [part]);
    t.constraints.forEach((c, i) => check(c, ['constraints', i]));
    if (typeof t.stepByStep === 'string') check(t.stepByStep, ['stepByStep']);
    for (const name of Object.keys(t.variables)) {
      if (!used.has(name))
        ctx.addIssue({
          code: 'custom',
          path: ['variables', name],
          message: `variable '${name}' is declared but never used`,
        });
    }
  });

export type PromptTemplate = z.output<typeof PromptTemplateSchema>;
export type PromptTemplateInput = z.input<typeof PromptTemplateSchema>;
