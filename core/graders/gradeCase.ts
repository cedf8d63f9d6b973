import { assertionNames, type Assertion } from './assertionSpec';
import { failedGrade, type GradeInput, type GradeResult, type GraderServices } from './gradeTypes';
import { gradeCost, gradeLatency } from './native/budgetAssertions';
import { gradeClassification } from './native/classificationAssertion';
import { gradeCounterfactual } from './native/counterfactual';
import { gradeEmbeddingSimilarity } from './native/embeddingSimilarity';
import { gradeJsonField, gradeJsonSchema } from './native/jsonAssertions';
import { gradeLlmJudge } from './native/llmJudge';
import { gradeNumeric } from './native/numericAssertion';
import { gradeFaithfulness, gradeRetrieval } from './native/retrievalAssertions';
import { gradeContains, gradeExactMatch, gradeRegex } from './native/textAssertions';
import { gradeOpenAI, type OpenAIGradeOptions } from './openai/gradeOpenAI';
import { InvalidVariableError, type TemplateContext } from './template';

/** Grades one sample against one assertion. Provider failures propagate (the shard retries them). */
export async function gradeOne(
  a: Assertion,
  name: string,
  input: GradeInput,
  services: GraderServices,
  opts: OpenAIGradeOptions = {},
): Promise<GradeResult> {
  const ctx: TemplateContext = { item: input.item, sample: input.sample as unknown as Record<string, unknown> };
  const out = input.sample.output_text;
  try {
    switch (a.type) {
      case 'exact_match':
        return gradeExactMatch(a, name, out, ctx);
      case 'contains':
        return gradeContains(a, name, out, ctx);
      case 'regex':
        return gradeRegex(a, name, out);
      case 'json_schema':
        return gradeJsonSchema(a, name, out);
      case 'json_field':
        return gradeJsonField(a, name, out, ctx);
      case 'numeric':
        return gradeNumeric(a, name, out, ctx);
      case 'classification':
        return gradeClassification(a, name, out, ctx);
      case 'embedding_similarity':
        return await gradeEmbeddingSimilarity(a, name, out, ctx, services);
      case 'llm_judge':
        return await gradeLlmJudge(a, name, input, ctx, services);
      case 'latency':
        return gradeLatency(a, name, input.latencyMs);
      case 'cost':
        return gradeCost(a, name, input.costUsd);
      case 'counterfactual':
        return await gradeCounterfactual(a, name, input, services);
      case 'retrieval_recall_at_k':
      case 'retrieval_mrr':
        return gradeRetrieval(a, name, input, ctx);
      case 'faithfulness':
        return gradeFaithfulness(a, name, input, out);
      default:
        return await gradeOpenAI(a, name, ctx, services, opts);
    }
  } catch (err) {
    if (err instanceof InvalidVariableError) return failedGrade(name, a.type, 'invalid_variable_error', err.message);
    throw err;
  }
}

/** Grades one sample against every assertion, in order, under unique names. */
export async function gradeAll(
  assertions: readonly Assertion[],
  input: GradeInput,
  services: GraderServices,
  opts: OpenAIGradeOptions = {},
): Promise<GradeResult[]> {
  const names = assertionNames(assertions);
  const out: GradeResult[] = [];
  for (let i = 0; i < assertions.length; i++)
    out.push(await gradeOne(assertions[i]!, names[i]!, input, services, opts));
  return out;
}

/**
 * An item's status from its grades: errored when any grade errored,
 * passed when every grade passed, failed otherwise. An item with no assertions passes.
 */
export function itemStatus(grades: readonly GradeResult[]): 'pass' | 'fail' | 'error' {
  if (grades.some((g) => g.errored)) return 'error';
  return grades.every((g) => g.passed) ? 'pass' : 'fail';
}
