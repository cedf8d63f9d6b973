/**
 * In-context ("few-shot") learning: earlier user/assistant turn pairs in the request are examples.
 * Each example votes for its answer with its similarity to the new message (the nearest example of
 * each answer counts); when the prompt also lists labels, the zero-shot label similarity is added as a
 * weaker prior, so labels with no example can still win. With no example close enough, the reply
 * falls back to zero-shot. Examples are used only for this request; nothing is stored.
 */
import { type LearnerMessage, type LearnerReply, lastUserText } from './chatTypes';
import { featurize, dot } from './features';
import { contentWords } from '../../../core/text/stopwords';
import { labelScores, promptLabels, zeroShotReply, SIMILARITY_SCALE } from './zeroShot';

export interface FewShotExample {
  input: string;
  output: string;
}

/** Below this similarity an example says nothing useful about the message. */
export const MIN_EXAMPLE_SIMILARITY = 0.12;
/** What a listed label with no example scores before the prior (see fewShotReply). */
export const UNSEEN_LABEL_SIMILARITY = 0.05;
/** Weight of the zero-shot label prior against example votes. */
const PRIOR_WEIGHT = 1.0;

/** The user→assistant pairs before the final user message. */
export function inContextExamples(messages: readonly LearnerMessage[]): FewShotExample[] {
  let end = messages.length - 1;
  while (end >= 0 && messages[end]!.role !== 'user') end--;
  const out: FewShotExample[] = [];
  for (let i = 0; i + 1 < end; i++) {
    const m = messages[i]!;
    const next = messages[i + 1]!;
    if (m.role === 'user' && next.role === 'assistant') out.push({ input: m.content, output: next.content.trim() });
  }
  return out;
}

export function fewShotReply(messages: readonly LearnerMessage[]): LearnerReply {
  const examples = inContextExamples(messages);
  if (examples.length === 0) return zeroShotReply(messages);
  const query = lastUserText(messages);
  // Words shared by examples with different answers (greetings, product names, sign-offs) say
  // nothing about the answer; dropping them keeps a match on them from deciding the vote.
  const shared = sharedAcrossAnswers(examples);
  const clean = (text: string) =>
    contentWords(text)
      .split(' ')
      .filter((w) => !shared.has(w))
      .join(' ');
  const q = featurize(clean(query));
  const best = new Map<string, number>();
  for (const ex of examples) {
    const s = dot(q, featurize(clean(ex.input)));
    best.set(ex.output, Math.max(best.get(ex.output) ?? 0, s));
  }
  const labels = promptLabels(messages);
  if (labels.length > 0) {
    const prior = labelScores(query, labels);
    // A label with no example is not evidence-free: a message unlike every example probably
    // belongs to a label the examples do not show, so such labels start from a typical similarity.
    labels.forEach((l, i) =>
      best.set(l.label, (best.get(l.label) ?? UNSEEN_LABEL_SIMILARITY) + PRIOR_WEIGHT * prior[i]!),
    );
  } else if (Math.max(...best.values()) < MIN_EXAMPLE_SIMILARITY) {
    return zeroShotReply(messages);
  }
  const candidates = [...best]
    .map(([text, s]) => ({ text, logit: SIMILARITY_SCALE * s }))
    .sort((a, b) => b.logit - a.logit);
  return { candidates, strategy: 'few-shot' };
}

function sharedAcrossAnswers(examples: readonly FewShotExample[]): Set<string> {
  const answersByWord = new Map<string, Set<string>>();
  for (const ex of examples) {
    for (const w of new Set(contentWords(ex.input).split(' '))) {
      let set = answersByWord.get(w);
      if (!set) answersByWord.set(w, (set = new Set()));
      set.add(ex.output);
    }
  }
  return new Set([...answersByWord].filter(([, answers]) => answers.size > 1).map(([w]) => w));
}
