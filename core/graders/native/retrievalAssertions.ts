import { citedBy, parseRagPrompt } from '../../rag/ragPrompt';
import { faithfulness, recallAtK, reciprocalRank } from '../../rag/retrievalMetrics';
import type { AssertionOf } from '../assertionSpec';
import { failedGrade, type GradeInput, type GradeResult } from '../gradeTypes';
import { resolveVariable, type TemplateContext } from '../template';

/**
 * RAG assertions read what was retrieved from the prompt itself: the `[n] (source#heading) text` passages of the
 * last user message (core/rag/ragPrompt.ts), so any variant that assembles its prompt that way is graded with no
 * extra plumbing. A prompt with no passages scores 0 (nothing relevant retrieved, nothing supported), so variants
 * without retrieval share a leaderboard with RAG variants; `min: 0` records the number without failing the case.
 */
function ragPassages(input: GradeInput) {
  const user = [...input.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  return parseRagPrompt(user).passages;
}

/**
 * `relevant` as written (a list) or a template naming one (`{{item.relevant}}`); a single string counts as a list of
 * one.
 */
function relevantLabels(value: string | string[], ctx: TemplateContext): string[] | string {
  const raw = Array.isArray(value)
    ? value
    : /^\{\{[^{}]*\}\}$/.test(value.trim())
      ? resolveVariable(value.trim().slice(2, -2).trim(), ctx)
      : [value];
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string'))
    return `relevant must be a list of source labels, got ${JSON.stringify(raw)}`;
  return list;
}

type RetrievalType = 'retrieval_recall_at_k' | 'retrieval_mrr';

export function gradeRetrieval(
  a: AssertionOf<RetrievalType>,
  name: string,
  input: GradeInput,
  ctx: TemplateContext,
): GradeResult {
  const passages = ragPassages(input);
  const relevant = relevantLabels(a.relevant, ctx);
  if (typeof relevant === 'string') return failedGrade(name, a.type, 'invalid_variable_error', relevant);
  const labels = passages.map((p) => p.label);
  const k = a.type === 'retrieval_recall_at_k' ? (a.k ?? labels.length) : labels.length;
  const score = a.type === 'retrieval_recall_at_k' ? recallAtK(labels, relevant, k) : reciprocalRank(labels, relevant);
  const passed = score >= a.min;
  return {
    name,
    type: a.type,
    score,
    passed,
    errored: false,
    detail: passed
      ? undefined
      : `${a.type === 'retrieval_mrr' ? 'reciprocal rank' : `recall@${k}`} ${score.toFixed(2)} < ${a.min}: ` +
        `relevant ${relevant.join(', ')}; retrieved ${labels.join(', ')}`,
  };
}

export function gradeFaithfulness(
  a: AssertionOf<'faithfulness'>,
  name: string,
  input: GradeInput,
  output: string,
): GradeResult {
  const passages = ragPassages(input);
  if (!passages.length)
    return {
      name,
      type: a.type,
      score: 0,
      passed: a.min <= 0,
      errored: false,
      detail: 'no passages in the prompt: nothing to support the answer',
    };
  const f = faithfulness(
    output,
    citedBy(output, passages).map((p) => p.text),
  );
  const passed = f.score >= a.min;
  return {
    name,
    type: a.type,
    score: f.score,
    passed,
    errored: false,
    detail: passed
      ? undefined
      : `${f.supported}/${f.total} content words supported; unsupported: ${f.unsupported.slice(0, 8).join(', ')}`,
  };
}
