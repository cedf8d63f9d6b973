import type { AssertionOf } from '../assertionSpec';
import type { GradeResult } from '../gradeTypes';
import { parsePath, lookupPath } from '../jsonPath';
import { validateJsonSchema, type JsonSchema } from '../jsonSchema/validateJsonSchema';
import { hasPlaceholder, renderGraderTemplate, type TemplateContext } from '../template';

function parseOutput(output: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(output) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** `json_schema`: the output parses as JSON and satisfies the schema (the subset in jsonSchema/). */
export function gradeJsonSchema(a: AssertionOf<'json_schema'>, name: string, output: string): GradeResult {
  const parsed = parseOutput(output);
  if (!parsed.ok)
    return { name, type: a.type, score: 0, passed: false, errored: false, detail: `not JSON: ${parsed.error}` };
  const errors = validateJsonSchema(parsed.value, a.schema as JsonSchema);
  const hit = errors.length === 0;
  return {
    name,
    type: a.type,
    score: hit ? 1 : 0,
    passed: hit,
    errored: false,
    detail: hit
      ? undefined
      : errors
          .slice(0, 3)
          .map((e) => `${e.path || '(root)'}: ${e.message}`)
          .join('; '),
  };
}

/** `json_field`: the field at `path` of the JSON output equals `equals` (string values may be templates). */
export function gradeJsonField(
  a: AssertionOf<'json_field'>,
  name: string,
  output: string,
  ctx: TemplateContext,
): GradeResult {
  const parsed = parseOutput(output);
  if (!parsed.ok)
    return { name, type: a.type, score: 0, passed: false, errored: false, detail: `not JSON: ${parsed.error}` };
  const hit = lookupPath(parsed.value, parsePath(a.path));
  if (!hit.found) return { name, type: a.type, score: 0, passed: false, errored: false, detail: `no field ${a.path}` };
  const want =
    typeof a.equals === 'string' && hasPlaceholder(a.equals) ? renderGraderTemplate(a.equals, ctx) : a.equals;
  const equal =
    JSON.stringify(hit.value) === JSON.stringify(want) ||
    (typeof want === 'string' && typeof hit.value !== 'string' && JSON.stringify(hit.value) === want);
  return {
    name,
    type: a.type,
    score: equal ? 1 : 0,
    passed: equal,
    errored: false,
    detail: equal ? undefined : `${a.path} is ${JSON.stringify(hit.value)}, expected ${JSON.stringify(want)}`,
  };
}
