/**
 * Whether retrieved passages speak to a question at all. Retrieval always returns its nearest passages, however far
 * they are, so an off-topic question would get a confident answer built from unrelated text. This asks for
 * evidence first: the question's content words (stop words dropped, compared on their first five letters so
 * `delivers` meets `delivery`) must appear in the passages, at least one and at least a third of them.
 */
const STOP = new Set(
  (
    'the and for are but not you your yours our ours its his her their them they this that these those there here ' +
    'what which when where who whom whose why how can could would should will shall may might must does did done ' +
    'has have had was were been being any all some many much more most very too also just only with without from ' +
    'into onto about above below after before over under than then tell please give know want need get got let ' +
    'one two out off use used using way ever each other such same own like make made say said see'
  ).split(' '),
);

export function questionTerms(question: string): string[] {
  const words = question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.filter((w) => w.length >= 3 && !STOP.has(w)).map((w) => w.slice(0, 5)))];
}

export function documentsCover(question: string, passages: readonly { text: string; heading?: string }[]): boolean {
  const terms = questionTerms(question);
  if (passages.length === 0) return false;
  if (terms.length === 0) return true; // nothing to judge by: let the model answer from the passages
  const seen = new Set<string>();
  for (const p of passages) {
    const words = `${p.heading ?? ''} ${p.text}`.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    for (const w of words) seen.add(w.slice(0, 5));
  }
  const hits = terms.filter((t) => seen.has(t)).length;
  return hits >= 1 && hits * 3 >= terms.length;
}

export const NOT_COVERED = 'The documents do not cover this question.';
