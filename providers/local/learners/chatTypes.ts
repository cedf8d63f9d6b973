/**
 * The only view of a chat request the learners get: roles and plain text. The backend flattens
 * content parts into text before calling a learner, so learners stay pure and independent of HTTP.
 */
export interface LearnerMessage {
  role: string;
  content: string;
}

/** One possible reply and its unnormalised log-score; the backend samples or takes the argmax. */
export interface Candidate {
  text: string;
  logit: number;
}

/** What every learner returns: candidates, best first, plus which strategy produced them (for debugging). */
export interface LearnerReply {
  candidates: Candidate[];
  strategy:
    | 'zero-shot-label'
    | 'extractive'
    | 'echo'
    | 'few-shot'
    | 'fine-tuned-classifier'
    | 'fine-tuned-neighbour'
    | 'preference';
}

/** The text of the last user message (the thing to answer), or '' when there is none. */
export function lastUserText(messages: readonly LearnerMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return messages[i]!.content;
  return '';
}

/** System and developer instructions joined, where label lists and passages usually live. */
export function instructionText(messages: readonly LearnerMessage[]): string {
  return messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => m.content)
    .join('\n');
}
