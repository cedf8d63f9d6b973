import type { AssertionOf } from '../assertionSpec';
import { failedGrade, type GradeResult } from '../gradeTypes';
import { renderGraderTemplate, type TemplateContext } from '../template';

/** The first number written in a text ("about 1,234.5 km" → 1234.5); undefined when there is none. */
export function firstNumber(text: string): number | undefined {
  const m = /[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|[-+]?\.\d+/.exec(text);
  return m ? Number(m[0].replace(/,/g, '')) : undefined;
}

/** `numeric`: the first number in the output is within `tolerance` of the expected value (absolute or relative). */
export function gradeNumeric(
  a: AssertionOf<'numeric'>,
  name: string,
  output: string,
  ctx: TemplateContext,
): GradeResult {
  const wantText = typeof a.value === 'number' ? String(a.value) : renderGraderTemplate(a.value, ctx);
  const want = firstNumber(wantText);
  if (want === undefined)
    return failedGrade(
      name,
      a.type,
      'invalid_variable_error',
      `expected value ${JSON.stringify(wantText)} is not a number`,
    );
  const got = firstNumber(output);
  if (got === undefined)
    return { name, type: a.type, score: 0, passed: false, errored: false, detail: 'no number in the output' };
  const allowed = a.relative ? Math.abs(want) * a.tolerance : a.tolerance;
  const hit = Math.abs(got - want) <= allowed + 1e-12;
  return {
    name,
    type: a.type,
    score: hit ? 1 : 0,
    passed: hit,
    errored: false,
    detail: hit ? undefined : `${got} is not within ${allowed} of ${want}`,
  };
}
