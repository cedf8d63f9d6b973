import type { AssertionOf } from '../assertionSpec';
import { failedGrade, type GradeInput, type GradeResult, type GraderServices, type TokenUsage } from '../gradeTypes';
import { field, numericValue, parseJsonReply } from '../judgeReply';
import { renderGraderTemplate, type TemplateContext } from '../template';

const SINGLE_SYSTEM =
  'You are an impartial grader. Read the rubric, the task input and the answer. Reply with JSON {"score": a ' +
  'number from 0 to 1, "reason": a short string}: 1 means the answer fully satisfies the rubric, 0 that it ' +
  'does not at all.';
const PAIR_SYSTEM =
  'You are an impartial grader comparing two answers to the same task against a rubric. Ignore their order ' +
  'and length; judge only the rubric. Reply with JSON {"winner": "A", "B" or "tie", "reason": a short ' +
  'string}.';

const SCORE_SCHEMA = {
  type: 'object',
  properties: { score: { type: 'number', minimum: 0, maximum: 1 }, reason: { type: 'string' } },
  required: ['score', 'reason'],
  additionalProperties: false,
};
const PAIR_SCHEMA = {
  type: 'object',
  properties: { winner: { type: 'string', enum: ['A', 'B', 'tie'] }, reason: { type: 'string' } },
  required: ['winner', 'reason'],
  additionalProperties: false,
};

/**
 * `llm_judge` with a rubric. Single mode: the judge scores the answer in [0, 1]. Pairwise mode: the judge compares
 * the answer with `against` (the reference by default) twice, A/B then B/A, and the score is the mean of the two
 * verdicts (win 1, tie ½, loss 0), which cancels a judge's preference for a position; the detail says whether the
 * two verdicts agreed. A reply without a usable score or verdict is `model_grader_parse_error`.
 */
export async function gradeLlmJudge(
  a: AssertionOf<'llm_judge'>,
  name: string,
  input: GradeInput,
  ctx: TemplateContext,
  services: Pick<GraderServices, 'judge'>,
): Promise<GradeResult> {
  const task = [...input.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const answer = input.sample.output_text;
  if (a.mode === 'single') {
    const reference = tryRender(a.against, ctx);
    const user = [
      `Rubric:\n${a.rubric}`,
      `Task input:\n${task}`,
      ...(reference ? [`Reference answer:\n${reference}`] : []),
      `Answer:\n${answer}`,
    ].join('\n\n');
    const reply = await services.judge({
      model: a.model,
      messages: [
        { role: 'system', content: SINGLE_SYSTEM },
        { role: 'user', content: user },
      ],
      jsonSchema: { name: 'judge_score', schema: SCORE_SCHEMA },
      sampling: { temperature: 0, seed: 0 },
    });
    const base = { name, type: a.type, usage: reply.usage, sampledModel: reply.model };
    if (reply.refusal)
      return {
        ...base,
        ...failedGrade(base.name, base.type, 'model_grader_refusal_error', `judge refused: ${reply.refusal}`),
      };
    const value = numericValue(field(parseJsonReply(reply.text), 'score', 'result') ?? reply.text);
    if (value === undefined)
      return {
        ...base,
        ...failedGrade(
          base.name,
          base.type,
          'model_grader_parse_error',
          `no score in the judge's reply ${JSON.stringify(reply.text.slice(0, 80))}`,
        ),
      };
    const score = Math.min(1, Math.max(0, value));
    return {
      ...base,
      score,
      passed: score >= a.threshold,
      errored: false,
      detail: `judge score ${score.toFixed(3)} vs threshold ${a.threshold}`,
    };
  }
  const other = renderGraderTemplate(a.against, ctx);
  const ask = async (first: string, second: string) =>
    services.judge({
      model: a.model,
      messages: [
        { role: 'system', content: PAIR_SYSTEM },
        {
          role: 'user',
          content: `Rubric:\n${a.rubric}\n\nTask input:\n${task}\n\nAnswer A:\n${first}\n\nAnswer B:\n${second}`,
        },
      ],
      jsonSchema: { name: 'judge_pair', schema: PAIR_SCHEMA },
      sampling: { temperature: 0, seed: 0 },
    });
  const forward = await ask(answer, other); // candidate is A
  const backward = await ask(other, answer); // candidate is B
  const usage = sumUsage(forward.usage, backward.usage);
  const base = { name, type: a.type, usage, sampledModel: forward.model };
  const v1 = verdict(forward.text);
  const v2 = verdict(backward.text);
  if (!v1 || !v2)
    return {
      ...base,
      ...failedGrade(
        base.name,
        base.type,
        'model_grader_parse_error',
        `no verdict in the judge's reply ${JSON.stringify((v1 ? backward : forward).text.slice(0, 80))}`,
      ),
    };
  const s1 = v1 === 'A' ? 1 : v1 === 'tie' ? 0.5 : 0;
  const s2 = v2 === 'B' ? 1 : v2 === 'tie' ? 0.5 : 0;
  const score = (s1 + s2) / 2;
  return {
    ...base,
    score,
    passed: score >= a.threshold,
    errored: false,
    detail: `A/B verdict ${v1}, B/A verdict ${v2} (${s1 === s2 ? 'consistent' : 'position-dependent'})`,
  };
}

function verdict(text: string): 'A' | 'B' | 'tie' | undefined {
  const raw = field(parseJsonReply(text), 'winner', 'result') ?? text;
  if (typeof raw !== 'string') return undefined;
  const t = raw
    .trim()
    .replace(/^["']|["'.]$/g, '')
    .toLowerCase();
  return t === 'a' ? 'A' : t === 'b' ? 'B' : t === 'tie' ? 'tie' : undefined;
}

function tryRender(text: string, ctx: TemplateContext): string | undefined {
  try {
    return renderGraderTemplate(text, ctx);
  } catch {
    return undefined; // single mode: a reference is optional context, not required
  }
}

function sumUsage(a?: TokenUsage, b?: TokenUsage): TokenUsage | undefined {
  if (!a && !b) return undefined;
  return {
    prompt_tokens: (a?.prompt_tokens ?? 0) + (b?.prompt_tokens ?? 0),
    completion_tokens: (a?.completion_tokens ?? 0) + (b?.completion_tokens ?? 0),
    total_tokens: (a?.total_tokens ?? 0) + (b?.total_tokens ?? 0),
  };
}
