import type { Assertion } from '../graders/assertionSpec';

/** What a captured exchange offers a grader template as `item`: no reference answer, no labels. */
export const CAPTURED_ITEM_FIELDS = ['input', 'model', 'alias', 'response_id'] as const;

/** Types that need what captured traffic does not have: retrieved passages, a re-run of the model, its cost. */
const UNSUPPORTED: Partial<Record<Assertion['type'], string>> = {
  retrieval_recall_at_k: 'needs labelled relevant passages',
  retrieval_mrr: 'needs labelled relevant passages',
  faithfulness: 'needs the retrieved passages, which the capture does not keep',
  counterfactual: 're-asks the model, which online evaluation does not do',
  latency: 'is not graded online yet (the gateway reports latency itself)',
  cost: 'is not graded online yet (the capture store keeps each exchange cost)',
};

/** Every `{{item.X}}` a value refers to, X as written. */
function itemRefs(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(/\{\{\s*item\.([A-Za-z0-9_]+)/g)) out.add(m[1]!);
  } else if (Array.isArray(value)) value.forEach((v) => itemRefs(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => itemRefs(v, out));
  return out;
}

/**
 * Why an assertion cannot grade captured traffic, or undefined when it can. Captured exchanges have no reference
 * answer: an assertion that compares with `{{item.expected}}` (the default of exact_match, contains, numeric,
 * classification, embedding_similarity) or any other item field but the input is rejected. A single-mode
 * llm_judge only shows its `against` when there is one, so its default does not count.
 */
export function referenceProblem(a: Assertion): string | undefined {
  const unsupported = UNSUPPORTED[a.type];
  if (unsupported) return `${a.type} ${unsupported}`;
  const graded = a.type === 'llm_judge' && a.mode === 'single' ? { ...a, against: '' } : a;
  const allowed = new Set<string>(CAPTURED_ITEM_FIELDS);
  const missing = [...itemRefs(graded)].filter((f) => !allowed.has(f));
  if (missing.length === 0) return undefined;
  return (
    `${a.type} refers to ${missing.map((f) => `item.${f}`).join(', ')}, a reference captured traffic does not ` +
    `have (it offers ${CAPTURED_ITEM_FIELDS.map((f) => `item.${f}`).join(', ')}); give a fixed value or use a ` +
    `reference-free grader (regex, json_schema, llm_judge in single mode, …)`
  );
}

/** Each assertion that cannot grade captured traffic, by position, with the reason. */
export function referenceProblems(assertions: readonly Assertion[]): { index: number; message: string }[] {
  return assertions.flatMap((a, index) => {
    const message = referenceProblem(a);
    return message ? [{ index, message }] : [];
  });
}
