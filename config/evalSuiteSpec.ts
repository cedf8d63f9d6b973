import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { FewShotSpecSchema } from '../core/fewshot/fewShotSpec';
import { AssertionSchema, type Assertion } from '../core/graders/assertionSpec';
import {
  DEFAULT_EXECUTION,
  DEFAULT_SAMPLING,
  type CaseSource,
  type EvalVariant,
  type RagSettings,
  type ResolvedEvalSuite,
} from '../core/evalSuite/evalSuiteTypes';
import { confineSpecPath } from './allowedRoots';
import { tailorHome } from './paths';
import { parseYamlWith, problemText, YamlSpecError, type SpecProblem, readSpecText } from './yamlDiagnostics';
import { GateRuleSchema } from '../core/stats/gateRules';
import { loadPromptTemplate } from './promptSpec';
import { RagOptionsSchema } from '../core/spec/ragSpec';

/**
 * An eval suite file (YAML). Paths are relative to the file. Every key is documented here; `tailor eval --help`
 * shows an example, and examples/support-tickets/eval/suite.yaml is a complete one.
 */
const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'expected letters, digits, ".", "_" or "-" (at most 63)');

const CasesSchema = z
  .object({
    /** A JSONL file of cases. */
    file: z.string().min(1).optional(),
    /** A prepared dataset split (only when a pipeline runs the suite). */
    split: z.enum(['train', 'validation', 'test']).optional(),
    limit: z.number().int().positive().optional(),
    sample: z
      .object({ n: z.number().int().positive(), seed: z.string().default('tailor') })
      .strict()
      .optional(),
  })
  .strict()
  .refine((c) => Boolean(c.file) !== Boolean(c.split), { message: 'give exactly one of file and split' })
  .refine((c) => !(c.limit && c.sample), { message: 'give at most one of limit and sample' });

const SamplingSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    seed: z.number().int().optional(),
    maxCompletionTokens: z.number().int().positive().optional(),
  })
  .strict();

const PoolSchema = z
  .object({ file: z.string().min(1).optional(), split: z.enum(['train', 'validation', 'test']).optional() })
  .strict()
  .refine((c) => Boolean(c.file) !== Boolean(c.split), { message: 'give exactly one of file and split' });

const RagSchema = RagOptionsSchema.extend({
  /** Documents (a folder, a file or a corpus manifest) to build or refresh the index from before scoring. */
  docs: z.string().min(1).optional(),
  /** The index directory; with `docs`, where it is built. @default $TAILOR_HOME/indexes/<suite>-<variant> */
  index: z.string().min(1).optional(),
})
  .strict()
  .refine((r) => Boolean(r.docs || r.index), {
    message: 'give docs (to build the index), index (a built one), or both',
  });

const VariantSchema = z
  .object({
    id: Id,
    label: z.string().optional(),
    /** Filled from `tailor eval --model` when omitted. */
    model: z.string().min(1).optional(),
    /** A prompt template file; `null` sends each case's own messages even when the suite has a prompt. */
    prompt: z.string().min(1).nullable().optional(),
    fewShot: FewShotSpecSchema.extend({ pool: PoolSchema }).optional(),
    /** Retrieval-augmented: answer each case with passages retrieved from an index (built from `docs` when given). */
    rag: RagSchema.optional(),
    sampling: SamplingSchema.optional(),
  })
  .strict();

export const EvalSuiteSpecSchema = z
  .object({
    name: Id,
    description: z.string().optional(),
    cases: CasesSchema,
    /** The default prompt template for variants. */
    prompt: z.string().min(1).optional(),
    variants: z.array(VariantSchema).default([]),
    candidate: Id.optional(),
    baseline: Id.optional(),
    /** Assertions applied to every case. */
    assert: z.array(AssertionSchema).default([]),
    /**
     * The headline metric (leaderboard order, `better_than` default). @default accuracy with a classification
     * assertion, else pass_rate
     */
    primaryMetric: z.string().optional(),
    gate: z.array(GateRuleSchema).default([]),
    aliases: z.record(z.string(), z.array(z.string()).min(1)).optional(),
    sampling: SamplingSchema.optional(),
    pricing: z
      .record(z.string(), z.object({ input: z.number().min(0), output: z.number().min(0) }).strict())
      .optional(),
    graderModels: z.record(z.string(), z.string()).optional(),
    execution: z
      .object({
        shardSize: z.number().int().min(1).max(5000).optional(),
        concurrency: z.number().int().min(1).max(64).optional(),
        shardsInFlight: z.number().int().min(1).max(64).optional(),
        heartbeatTimeout: z
          .string()
          .regex(/^\d+(\.\d+)?\s*(ms|s|seconds?|m|minutes?)$/, 'expected a duration such as "30 seconds"')
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type EvalSuiteSpec = z.output<typeof EvalSuiteSpecSchema>;

export interface SuiteOverrides {
  /**
   * Models from the command line: fill variants without a model, or make one variant per model when none are listed.
   */
  models?: string[];
  candidate?: string;
  baseline?: string;
}

/** Reads, validates and resolves a suite; throws YamlSpecError (file:line: key: message) for anything wrong. */
export function loadEvalSuite(file: string, overrides: SuiteOverrides = {}): ResolvedEvalSuite {
  const abs = path.resolve(file);
  const text = readSpecText(file, abs, 'eval suite');
  const { value: spec, source } = parseYamlWith(EvalSuiteSpecSchema, text, abs, 'eval suite');
  const problems: SpecProblem[] = [];
  const dir = path.dirname(abs);
  const problem = (key: (string | number)[], message: string) =>
    problems.push({ key: key.join('.'), line: source.lineOf(key), message });
  const confined = (rel: string, key: (string | number)[]): string => {
    const { path: p, outside } = confineSpecPath(abs, rel);
    if (outside) problem(key, outside);
    return p;
  };
  const fileSource = (rel: string, key: (string | number)[]): CaseSource => {
    const p = confined(rel, key);
    if (!problems.some((x) => x.key === key.join('.')) && (!fs.existsSync(p) || !fs.statSync(p).isFile())) {
      problem(key, `no such file: ${p}`);
    }
    return { type: 'file', path: p };
  };
  const prompts = new Map<string, ReturnType<typeof loadPromptTemplate>>();
  const prompt = (rel: string, key: (string | number)[]) => {
    const { path: p, outside } = confineSpecPath(abs, rel);
    if (outside) {
      problem(key, outside);
      return undefined;
    }
    if (!prompts.has(p)) {
      try {
        prompts.set(p, loadPromptTemplate(p));
      } catch (err) {
        if (err instanceof YamlSpecError) {
          problem(
            key,
            `prompt template ${p} is invalid:\n${err.problems.map((x) => `      ${problemText(x)}`).join('\n')}`,
          );
          return undefined;
        }
        throw err;
      }
    }
    const loaded = prompts.get(p)!;
    return { name: loaded.template.name, version: loaded.version, template: loaded.template };
  };

  const cases: ResolvedEvalSuite['cases'] = {
    ...(spec.cases.file
      ? fileSource(spec.cases.file, ['cases', 'file'])
      : { type: 'split' as const, split: spec.cases.split! }),
    ...(spec.cases.limit ? { limit: spec.cases.limit } : {}),
    ...(spec.cases.sample ? { sample: spec.cases.sample } : {}),
  };
  const sampling = { ...DEFAULT_SAMPLING, ...spec.sampling };
  const suitePrompt = spec.prompt ? prompt(spec.prompt, ['prompt']) : undefined;
  const declared =
    spec.variants.length > 0
      ? spec.variants
      : (overrides.models ?? []).map((m) => ({ id: safeId(m), model: m }) as (typeof spec.variants)[number]);
  const models = overrides.models ?? [];
  const variants: EvalVariant[] = [];
  declared.forEach((v, i) => {
    const model = v.model ?? models[0];
    if (!model) {
      problem(['variants', i, 'model'], 'no model: give one here or with --model');
      return;
    }
    const vp = v.prompt === null ? undefined : v.prompt ? prompt(v.prompt, ['variants', i, 'prompt']) : suitePrompt;
    const fewShot = v.fewShot
      ? {
          spec: {
            k: v.fewShot.k,
            strategy: v.fewShot.strategy,
            ...(v.fewShot.tokenBudget ? { tokenBudget: v.fewShot.tokenBudget } : {}),
          },
          pool: v.fewShot.pool.file
            ? fileSource(v.fewShot.pool.file, ['variants', i, 'fewShot', 'pool', 'file'])
            : ({ type: 'split', split: v.fewShot.pool.split! } as CaseSource),
        }
      : undefined;
    let rag: RagSettings | undefined;
    if (v.rag) {
      const docs = v.rag.docs ? confined(v.rag.docs, ['variants', i, 'rag', 'docs']) : undefined;
      const docsOutside = problems.some((x) => x.key === ['variants', i, 'rag', 'docs'].join('.'));
      if (docs && !docsOutside && !fs.existsSync(docs)) {
        problem(['variants', i, 'rag', 'docs'], `no such file or folder: ${docs}`);
      }
      const index = v.rag.index
        ? path.resolve(dir, v.rag.index)
        : path.join(tailorHome(), 'indexes', `${spec.name}-${v.id}`);
      // With artifacts in S3 a built index may be in the bucket alone (stores/rag/indexSnapshot.ts): retrieval checks.
      const inBucket = Boolean(process.env.TAILOR_ARTIFACTS?.trim());
      if (!docs && !inBucket && !fs.existsSync(path.join(index, 'manifest.json')))
        problem(
          ['variants', i, 'rag', 'index'],
          `${index} is not a built index (build it with \`tailor index DOCS --out ${index}\`, or give docs)`,
        );
      const { k, hybrid, mmr, budgetTokens, embeddingModel } = v.rag;
      rag = {
        index,
        ...(docs ? { docs } : {}),
        k,
        hybrid,
        ...(mmr !== undefined ? { mmrLambda: mmr } : {}),
        ...(budgetTokens ? { budgetTokens } : {}),
        ...(embeddingModel ? { embeddingModel } : {}),
      };
    }
    variants.push({
      id: v.id,
      label: v.label ?? v.id,
      model,
      ...(vp ? { prompt: vp } : {}),
      ...(fewShot ? { fewShot } : {}),
      ...(rag ? { rag } : {}),
      sampling: { ...sampling, ...v.sampling },
    });
  });
  if (declared.length === 0) problem(['variants'], 'no variants: list some here or give --model');
  const ids = variants.map((v) => v.id);
  ids.forEach((id, i) => ids.indexOf(id) !== i && problem(['variants', i, 'id'], `duplicate variant id '${id}'`));
  const candidate = overrides.candidate ?? spec.candidate;
  const baseline = overrides.baseline ?? spec.baseline;
  if (candidate && variants.length && !ids.includes(candidate))
    problem(['candidate'], `no variant '${candidate}' (variants: ${ids.join(', ')})`);
  if (baseline && variants.length && !ids.includes(baseline) && !spec.aliases?.[baseline])
    problem(['baseline'], `no variant '${baseline}' (variants: ${ids.join(', ')})`);
  if (problems.length > 0) throw new YamlSpecError(abs, 'eval suite', problems);

  return {
    name: spec.name,
    ...(spec.description ? { description: spec.description } : {}),
    file: abs,
    cases,
    variants,
    ...(candidate ? { candidate } : {}),
    ...(baseline ? { baseline } : {}),
    assertions: spec.assert,
    primaryMetric: spec.primaryMetric ?? defaultPrimaryMetric(spec.assert),
    gate: spec.gate,
    ...(spec.aliases ? { aliases: spec.aliases } : {}),
    ...(spec.pricing ? { pricing: spec.pricing } : {}),
    ...(spec.graderModels ? { graderModels: spec.graderModels } : {}),
    execution: { ...DEFAULT_EXECUTION, ...spec.execution },
  };
}

export function defaultPrimaryMetric(assertions: readonly Assertion[]): string {
  return assertions.some((a) => a.type === 'classification') ? 'accuracy' : 'pass_rate';
}

function safeId(model: string): string {
  return (
    model
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 63) || 'model'
  );
}
