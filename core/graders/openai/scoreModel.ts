import { failedGrade, type GradeResult, type GraderServices, type JudgeRequest } from '../gradeTypes';
import { field, isReasoningModel, numericValue, parseJsonReply } from '../judgeReply';
import type { TemplateContext } from '../template';
import { renderGraderMessages } from './graderMessages';
import type { LabelModelGrader, SamplingParams, ScoreModelGrader } from './openaiGraderSchemas';

/** The structured output OpenAI asks a score_model judge for. */
export const SCORE_SCHEMA = {
  type: 'object',
  properties: {
    steps: {
      type: 'array',
      items: {
        type: 'object',
        properties: { description: { type: 'string' }, conclusion: { type: 'string' } },
        required: ['description', 'conclusion'],
        additionalProperties: false,
      },
    },
    result: { type: 'number' },
  },
  required: ['steps', 'result'],
  additionalProperties: false,
};

/**
 * `score_model`: the templated messages go to the judge with a strict `{steps, result}`
 * schema; the score is `result` clamped to `range`. A non-numeric or missing result scores 0 — not clamped up to
 * range[0], as the guide says — with `model_grader_parse_error`; a refusal sets `model_grader_refusal_error`.
 * passed = score ≥ pass_threshold; without one, score ≥ the middle of the range (a recorded choice).
 */
export async function gradeScoreModel(
  g: ScoreModelGrader,
  name: string,
  ctx: TemplateContext,
  services: Pick<GraderServices, 'judge'>,
  aliases: Record<string, string> = {},
): Promise<GradeResult> {
  const [lo, hi] = g.range;
  const threshold = g.pass_threshold ?? (lo + hi) / 2;
  const req = judgeRequest(g, ctx, aliases, { name: 'score_model_result', schema: SCORE_SCHEMA });
  const reply = await services.judge(req);
  const base = { name, type: g.type, usage: reply.usage, sampledModel: reply.model };
  if (reply.refusal)
    return {
      ...base,
      ...failedGrade(base.name, base.type, 'model_grader_refusal_error', `judge refused: ${reply.refusal}`),
    };
  const raw = field(parseJsonReply(reply.text), 'result', 'score');
  const value = numericValue(raw ?? reply.text);
  if (value === undefined) {
    return {
      ...base,
      score: 0,
      passed: 0 >= threshold,
      errored: true,
      errors: ['model_grader_parse_error'],
      detail: `no numeric result in the judge's reply ${JSON.stringify(reply.text.slice(0, 80))}`,
    };
  }
  const score = Math.min(hi, Math.max(lo, value));
  return {
    ...base,
    score,
    passed: score >= threshold,
    errored: false,
    detail: `judge result ${value}${score !== value ? ` clamped to ${score}` : ''}, threshold ${threshold}`,
  };
}

/** The chat request for a model grader: alias-mapped model, templated messages, the sampling params that apply. */
export function judgeRequest(
  g: ScoreModelGrader | LabelModelGrader,
  ctx: TemplateContext,
  aliases: Record<string, string>,
  schema: { name: string; schema: Record<string, unknown> },
): JudgeRequest {
  const model = aliases[g.model] ?? g.model;
  return {
    model,
    messages: renderGraderMessages(g.input, ctx),
    jsonSchema: schema,
    sampling: samplingFor(model, g.sampling_params ?? undefined),
  };
}

function samplingFor(model: string, p: SamplingParams | undefined): JudgeRequest['sampling'] {
  if (!p) return undefined;
  const reasoning = isReasoningModel(model);
  const out: NonNullable<JudgeRequest['sampling']> = {};
  if (p.seed != null) out.seed = p.seed;
  if (p.top_p != null) out.top_p = p.top_p;
  // Dropped, not sent: the provider would reject the request.
  if (p.temperature != null && !reasoning) out.temperature = p.temperature;
  if (p.reasoning_effort != null && reasoning) out.reasoning_effort = p.reasoning_effort;
  const max = p.max_completions_tokens ?? p.max_completion_tokens ?? p.max_tokens;
  if (max != null) out.max_completion_tokens = max;
  return out;
}
