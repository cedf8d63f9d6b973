import { failedGrade, type GradeResult, type GraderServices } from '../gradeTypes';
import { field, parseJsonReply } from '../judgeReply';
import type { TemplateContext } from '../template';
import { judgeRequest } from './scoreModel';
import type { LabelModelGrader } from './openaiGraderSchemas';

/**
 * `label_model`: the judge answers through a strict `{steps, result: enum(labels)}`
 * schema; score 1 when the label is a passing one. A reply naming no label from the list (after trimming and
 * case-folding, JSON or bare text) sets `model_grader_parse_error` and scores 0.
 */
export async function gradeLabelModel(
  g: LabelModelGrader,
  name: string,
  ctx: TemplateContext,
  services: Pick<GraderServices, 'judge'>,
  aliases: Record<string, string> = {},
): Promise<GradeResult> {
  const schema = {
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
      result: { type: 'string', enum: g.labels },
    },
    required: ['steps', 'result'],
    additionalProperties: false,
  };
  const reply = await services.judge(judgeRequest(g, ctx, aliases, { name: 'label_model_result', schema }));
  const base = { name, type: g.type, usage: reply.usage, sampledModel: reply.model };
  if (reply.refusal)
    return {
      ...base,
      ...failedGrade(base.name, base.type, 'model_grader_refusal_error', `judge refused: ${reply.refusal}`),
    };
  const raw = field(parseJsonReply(reply.text), 'result', 'label');
  const label = matchLabel(typeof raw === 'string' ? raw : reply.text, g.labels);
  if (!label) {
    return {
      ...base,
      ...failedGrade(
        base.name,
        base.type,
        'model_grader_parse_error',
        `the judge's reply names none of ${g.labels.join(', ')}: ${JSON.stringify(reply.text.slice(0, 80))}`,
      ),
    };
  }
  const score = g.passing_labels.includes(label) ? 1 : 0;
  return { ...base, score, passed: score === 1, errored: false, detail: `label ${label}` };
}

export function matchLabel(text: string, labels: readonly string[]): string | undefined {
  const t = text
    .trim()
    .replace(/^["'`]+|["'`.]+$/g, '')
    .toLowerCase();
  return labels.find((l) => l.toLowerCase() === t);
}
