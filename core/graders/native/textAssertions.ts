import { normaliseAnswer } from '../../eval/score';
import type { AssertionOf } from '../assertionSpec';
import type { GradeResult } from '../gradeTypes';
import { renderGraderTemplate, type TemplateContext } from '../template';

/** `exact_match`: equal after normalising case, surrounding space and trailing punctuation (core/eval/score). */
export function gradeExactMatch(
  a: AssertionOf<'exact_match'>,
  name: string,
  output: string,
  ctx: TemplateContext,
): GradeResult {
  const want = renderGraderTemplate(a.value, ctx);
  const hit = normaliseAnswer(output) === normaliseAnswer(want);
  return {
    name,
    type: a.type,
    score: hit ? 1 : 0,
    passed: hit,
    errored: false,
    detail: hit ? undefined : `expected ${JSON.stringify(want)}, got ${JSON.stringify(output.slice(0, 80))}`,
  };
}

/** `contains`: the value appears in the output (case-insensitive unless `caseSensitive`). */
export function gradeContains(
  a: AssertionOf<'contains'>,
  name: string,
  output: string,
  ctx: TemplateContext,
): GradeResult {
  const want = renderGraderTemplate(a.value, ctx);
  const hit = a.caseSensitive ? output.includes(want) : output.toLowerCase().includes(want.toLowerCase());
  return {
    name,
    type: a.type,
    score: hit ? 1 : 0,
    passed: hit,
    errored: false,
    detail: hit ? undefined : `${JSON.stringify(want)} not found`,
  };
}

/** `regex`: the pattern matches somewhere in the output. */
export function gradeRegex(a: AssertionOf<'regex'>, name: string, output: string): GradeResult {
  const hit = new RegExp(a.pattern, a.flags).test(output);
  return {
    name,
    type: a.type,
    score: hit ? 1 : 0,
    passed: hit,
    errored: false,
    detail: hit ? undefined : `/${a.pattern}/${a.flags} does not match`,
  };
}
