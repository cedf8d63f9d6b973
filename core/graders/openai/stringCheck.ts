import type { GradeResult } from '../gradeTypes';
import { renderGraderTemplate, type TemplateContext } from '../template';
import type { StringCheckGrader } from './openaiGraderSchemas';

/**
 * `string_check`: eq, ne, like (contains) and ilike (contains, case-insensitive by plain
 * Unicode lower-casing). Strings are compared exactly as rendered, with no trimming; `%` and `_` are literal.
 * Score 0 or 1; passed when the score is 1.
 */
export function gradeStringCheck(g: StringCheckGrader, name: string, ctx: TemplateContext): GradeResult {
  const input = renderGraderTemplate(g.input, ctx);
  const reference = renderGraderTemplate(g.reference, ctx);
  let hit: boolean;
  switch (g.operation) {
    case 'eq':
      hit = input === reference;
      break;
    case 'ne':
      hit = input !== reference;
      break;
    case 'like':
      hit = input.includes(reference);
      break;
    case 'ilike':
      hit = input.toLowerCase().includes(reference.toLowerCase());
      break;
  }
  const score = hit ? 1 : 0;
  return {
    name,
    type: g.type,
    score,
    passed: score === 1,
    errored: false,
    detail: hit ? undefined : `${clip(input)} ${g.operation} ${clip(reference)} is false`,
  };
}

function clip(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}
