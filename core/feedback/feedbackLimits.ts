/**
 * Size caps on the text fields of one feedback item. A feedback endpoint is fed by applications and, through them,
 * by anyone who can type into a chat box; every field ends up in exports and training data, so one item cannot
 * carry a novel. The body limit bounds a request; these bound each field and say which one was too long.
 */

/** Characters in one text field (an answer, a message, an alternative). */
export const MAX_FEEDBACK_TEXT_CHARS = 32_768;
/** Messages in the chat the model answered. */
export const MAX_FEEDBACK_MESSAGES = 200;
/** Characters in a short label (model, promptVersion, who, id). */
export const MAX_FEEDBACK_LABEL_CHARS = 200;

export interface FieldTooLarge {
  /** Dotted field, e.g. `input.messages.3.content`. */
  param: string;
  message: string;
}

const LABELS = ['id', 'model', 'promptVersion', 'who'] as const;
const TEXTS = ['answer', 'correctedAnswer'] as const;

function tooLong(param: string, length: number, limit: number, unit: string): FieldTooLarge | null {
  if (length <= limit) return null;
  return { param, message: `'${param}' has ${length} ${unit}; the limit is ${limit}.` };
}

const asRecord = (v: unknown): Record<string, unknown> | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** The first field of a feedback body over its cap, or null. Only measures: shapes are the schema's business. */
export function oversizedFeedbackField(body: unknown): FieldTooLarge | null {
  const b = asRecord(body);
  if (!b) return null;
  const str = (v: unknown) => (typeof v === 'string' ? v.length : 0);
  for (const k of LABELS) {
    const hit = tooLong(k, str(b[k]), MAX_FEEDBACK_LABEL_CHARS, 'characters');
    if (hit) return hit;
  }
  for (const k of TEXTS) {
    const hit = tooLong(k, str(b[k]), MAX_FEEDBACK_TEXT_CHARS, 'characters');
    if (hit) return hit;
  }
  const alt = asRecord(b.preference)?.alternative;
  const altHit = tooLong('preference.alternative', str(alt), MAX_FEEDBACK_TEXT_CHARS, 'characters');
  if (altHit) return altHit;
  const messages = asRecord(b.input)?.messages;
  if (!Array.isArray(messages)) return null;
  const countHit = tooLong('input.messages', messages.length, MAX_FEEDBACK_MESSAGES, 'messages');
  if (countHit) return countHit;
  for (const [i, m] of messages.entries()) {
    const content = str(asRecord(m)?.content);
    const hit = tooLong(`input.messages.${i}.content`, content, MAX_FEEDBACK_TEXT_CHARS, 'characters');
    if (hit) return hit;
  }
  return null;
}
