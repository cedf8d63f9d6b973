import { normaliseAnswer } from '../../eval/score';
import type { AssertionOf } from '../assertionSpec';
import type { GradeResult } from '../gradeTypes';
import { renderGraderTemplate, type TemplateContext } from '../template';

export const OTHER_LABEL = '(other)';

/**
 * `classification`: the output, normalised, is a predicted label; correct when it equals the expected label. The
 * pair is kept on the grade so the suite can build accuracy, macro-F1 and the confusion matrix.
 */
export function gradeClassification(
  a: AssertionOf<'classification'>,
  name: string,
  output: string,
  ctx: TemplateContext,
): GradeResult {
  const expected = normaliseAnswer(renderGraderTemplate(a.expected, ctx));
  let predicted = normaliseAnswer(output);
  if (a.labels) {
    const known = a.labels.map(normaliseAnswer);
    if (!known.includes(predicted)) predicted = OTHER_LABEL;
  }
  const hit = predicted === expected;
  return {
    name,
    type: a.type,
    score: hit ? 1 : 0,
    passed: hit,
    errored: false,
    label: { expected, predicted },
    detail: hit ? undefined : `expected ${expected}, predicted ${predicted}`,
  };
}
