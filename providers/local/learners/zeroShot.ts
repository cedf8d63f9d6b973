/**
 * The base ("zero-shot") learner: uses only what the prompt gives it.
 *
 * - When the instructions list labels, it picks the label whose name and description share the most
 *   hashed word and character n-grams with the user's message. Nothing is learned, so it is only
 *   as good as the label names are descriptive: that is the honest baseline few-shot and fine-tuning
 *   must beat.
 * - Otherwise it answers extractively from passages in the prompt (see extractive.ts).
 */
import { type LearnerMessage, type LearnerReply, instructionText, lastUserText } from './chatTypes';
import { featurize, dot } from './features';
import { parseLabels, type PromptLabel } from './labelParsing';
import { contentWords } from '../../../core/text/stopwords';
import { extractiveReply } from './extractive';
import { memoize } from './memo';

/** How sharply similarity turns into preference; 20 makes a 0.1 similarity gap a 7x odds ratio. */
export const SIMILARITY_SCALE = 20;

/** Similarity of the message to each label (name with separators as spaces, plus description). */
export function labelScores(message: string, labels: readonly PromptLabel[]): number[] {
  const q = featurize(contentWords(message));
  return labels.map((l) => dot(q, labelVector(`${l.label.replace(/[_\-./]+/g, ' ')} ${l.description}`)));
}

const labelVector = memoize((text: string) => featurize(contentWords(text)));
const cachedParseLabels = memoize(parseLabels);

/** The labels a prompt offers: the instructions first, then the user message itself. */
export function promptLabels(messages: readonly LearnerMessage[]): PromptLabel[] {
  const fromInstructions = cachedParseLabels(instructionText(messages));
  return fromInstructions.length > 0 ? fromInstructions : parseLabels(lastUserText(messages));
}

export function zeroShotReply(messages: readonly LearnerMessage[]): LearnerReply {
  const labels = promptLabels(messages);
  if (labels.length > 0) {
    const scores = labelScores(lastUserText(messages), labels);
    const candidates = labels.map((l, i) => ({ text: l.label, logit: SIMILARITY_SCALE * scores[i]! }));
    // Stable sort keeps the prompt's order on ties, so a message with no overlap gets the first label.
    candidates.sort((a, b) => b.logit - a.logit);
    return { candidates, strategy: 'zero-shot-label' };
  }
  return extractiveReply(messages);
}
