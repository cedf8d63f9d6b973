import { failedGrade, type GradeResult, type GraderServices } from '../gradeTypes';
import { InvalidVariableError, type TemplateContext } from '../template';
import { FormulaEvalError, parseFormula } from './formula';
import { gradeLabelModel } from './labelModel';
import type { MultiGrader, OpenAIGrader, SubGrader } from './openaiGraderSchemas';
import { gradeScoreModel } from './scoreModel';
import { gradeStringCheck } from './stringCheck';
import { gradeTextSimilarity } from './textSimilarity';

export interface OpenAIGradeOptions {
  /** Retired grader model names mapped to ones that still serve. */
  modelAliases?: Record<string, string>;
}

/**
 * Grades one sample with an OpenAI grader config. A template naming a missing variable scores 0 with
 * `invalid_variable_error` (errored, not failed); a judge that cannot be reached throws, so the shard retries.
 */
export async function gradeOpenAI(
  g: OpenAIGrader,
  name: string,
  ctx: TemplateContext,
  services: Pick<GraderServices, 'judge' | 'embed'>,
  opts: OpenAIGradeOptions = {},
): Promise<GradeResult> {
  try {
    switch (g.type) {
      case 'string_check':
        return gradeStringCheck(g, name, ctx);
      case 'text_similarity':
        return await gradeTextSimilarity(g, name, ctx, services);
      case 'score_model':
        return await gradeScoreModel(g, name, ctx, services, opts.modelAliases);
      case 'label_model':
        return await gradeLabelModel(g, name, ctx, services, opts.modelAliases);
      case 'multi':
        return await gradeMulti(g, name, ctx, services, opts);
    }
  } catch (err) {
    if (err instanceof InvalidVariableError) return failedGrade(name, g.type, 'invalid_variable_error', err.message);
    throw err;
  }
}

/**
 * `multi`: each sub-grader scores under its key, the formula combines the scores.
 * Sub-grader pass thresholds are ignored; the result is not clamped (a value outside [0, 1] is noted in the
 * detail); passed = score ≥ pass_threshold, or ≥ 0.5 without one (a recorded choice). A sub-grade error makes the
 * item errored, but the formula still runs with that sub-score at 0.
 */
async function gradeMulti(
  g: MultiGrader,
  name: string,
  ctx: TemplateContext,
  services: Pick<GraderServices, 'judge' | 'embed'>,
  opts: OpenAIGradeOptions,
): Promise<GradeResult> {
  const subScores: Record<string, number> = {};
  const errors = new Set<NonNullable<GradeResult['errors']>[number]>();
  const details: string[] = [];
  let usageTokens: GradeResult['usage'];
  for (const [key, sub] of Object.entries(g.graders)) {
    const r = await gradeOpenAI(sub as SubGrader as OpenAIGrader, key, ctx, services, opts);
    subScores[key] = r.score;
    r.errors?.forEach((e) => errors.add(e));
    if (r.errored && r.detail) details.push(`${key}: ${r.detail}`);
    if (r.usage) usageTokens = addUsage(usageTokens, r.usage);
  }
  const parsed = parseFormula(g.calculate_output, Object.keys(g.graders));
  const base = { name, type: g.type, subScores, usage: usageTokens };
  if (!parsed.ok)
    return {
      ...base,
      score: 0,
      passed: false,
      errored: true,
      errors: [...errors, 'formula_parse_error'],
      detail: `calculate_output: ${parsed.error}`,
    };
  let score: number;
  try {
    score = parsed.evaluate(subScores);
  } catch (err) {
    if (err instanceof FormulaEvalError)
      return {
        ...base,
        score: 0,
        passed: false,
        errored: true,
        errors: [...errors, 'other_error'],
        detail: `calculate_output: ${err.message}`,
      };
    throw err;
  }
  const threshold = g.pass_threshold ?? 0.5;
  if (score < 0 || score > 1) details.push(`score ${score} is outside [0, 1] (not clamped)`);
  return {
    ...base,
    score,
    passed: score >= threshold,
    errored: errors.size > 0,
    ...(errors.size > 0 ? { errors: [...errors] } : {}),
    detail: [`${g.calculate_output} = ${round(score)}`, ...details].join('; '),
  };
}

function addUsage(a: GradeResult['usage'], b: NonNullable<GradeResult['usage']>): NonNullable<GradeResult['usage']> {
  return {
    prompt_tokens: (a?.prompt_tokens ?? 0) + b.prompt_tokens,
    completion_tokens: (a?.completion_tokens ?? 0) + b.completion_tokens,
    total_tokens: (a?.total_tokens ?? 0) + b.total_tokens,
  };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
