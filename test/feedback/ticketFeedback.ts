import fs from 'node:fs';
import path from 'node:path';
import type { FeedbackInput } from '../../core/feedback/feedbackSchema';

const TICKETS = path.join(__dirname, '..', '..', 'examples', 'support-tickets', 'data', 'tickets.jsonl');
const LABELS = ['billing', 'technical_issue', 'account_access', 'shipping', 'refund_request', 'product_question'];

/**
 * Feedback on the example tickets as a reviewer would give it: the model answered the wrong label (the next one in
 * a fixed order), the reviewer gave a thumbs down and wrote the right label as the corrected answer.
 */
export function ticketFeedback(from: number, n: number, model = 'ft:tickets'): FeedbackInput[] {
  const rows = fs
    .readFileSync(TICKETS, 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(from, from + n);
  return rows.map((line, i) => {
    const { messages } = JSON.parse(line) as { messages: { role: 'system' | 'user' | 'assistant'; content: string }[] };
    const right = messages[messages.length - 1]!.content;
    return {
      id: `ticket-${from + i}`,
      model,
      promptVersion: 'v1',
      input: { messages: messages.slice(0, -1) },
      answer: LABELS[(LABELS.indexOf(right) + 1) % LABELS.length]!,
      rating: 'down' as const,
      correctedAnswer: right,
      who: 'reviewer@example.com',
    };
  });
}
