import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../dataset/canonicalJson';

/** One chat message of the input the model answered (text content only: feedback is about what people read). */
export const FeedbackMessageSchema = z
  .object({
    role: z.enum(['system', 'developer', 'user', 'assistant']),
    content: z.string().min(1, 'expected non-empty text'),
  })
  .strict();

/** Thumbs (`up`/`down`) or a 1–5 score. */
export const FeedbackRatingSchema = z.union([z.enum(['up', 'down']), z.number().int().min(1).max(5)], {
  error: 'expected "up", "down" or an integer from 1 to 5',
});
export type FeedbackRating = z.infer<typeof FeedbackRatingSchema>;

/**
 * The body of `POST /v1/feedback` and the argument of `recordFeedback()`. `id` is the idempotency key: a retried
 * request with the same id stores once (without one, the content's hash is the key).
 */
export const FeedbackBodySchema = z
  .object({
    /** Idempotency key chosen by the client. @default sha256 of the content */
    id: z.string().min(1).max(200).optional(),
    /** The model (or alias) that answered. */
    model: z.string().min(1),
    /** The prompt version the answer came from (a template's content hash, or any label). */
    promptVersion: z.string().min(1).optional(),
    /** The chat the model answered; the last message is not the assistant's (the answer follows it). */
    input: z
      .object({
        messages: z
          .array(FeedbackMessageSchema)
          .min(1)
          .refine(
            (m) => m[m.length - 1]?.role !== 'assistant',
            'the last input message must not be an assistant message: the answer follows it',
          ),
      })
      .strict(),
    /** What the model answered. */
    answer: z.string().min(1),
    rating: FeedbackRatingSchema,
    /** What the answer should have been. */
    correctedAnswer: z.string().min(1).optional(),
    /** A judgement between the answer and another one: which of the two is better. */
    preference: z
      .object({
        alternative: z.string().min(1),
        preferred: z.enum(['answer', 'alternative']),
      })
      .strict()
      .optional(),
    /** Who gave the feedback. */
    who: z.string().min(1).max(200).optional(),
    /** When, as an ISO-8601 instant. @default the time it was received */
    at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type FeedbackBody = z.infer<typeof FeedbackBodySchema>;
export type FeedbackInput = z.input<typeof FeedbackBodySchema>;

/** A stored item: the body with its key, its time and its content hash settled. */
export interface FeedbackRecord extends Omit<FeedbackBody, 'id' | 'at'> {
  id: string;
  /** Milliseconds since the epoch. */
  at: number;
}

/** Thumbs on the 1–5 scale, so one `--min-rating` applies to both kinds. */
export function ratingScore(rating: FeedbackRating): number {
  return rating === 'up' ? 5 : rating === 'down' ? 1 : rating;
}

/** The hash of what was said (not of when it was received): a retried body without an id hashes the same. */
export function feedbackContentSha256(body: FeedbackBody): string {
  const { id: _id, at: _at, ...content } = body;
  return createHash('sha256')
    .update(canonicalJson(JSON.parse(JSON.stringify(content))))
    .digest('hex');
}

/** The first problem of a rejected body as the dotted field it concerns and what was expected. */
export function firstProblem(error: z.ZodError): { param: string; message: string } {
  const issue = error.issues[0]!;
  const param = issue.path.map(String).join('.');
  const unknown =
    issue.code === 'unrecognized_keys' ? issue.keys.map((k) => (param ? `${param}.${k}` : k)).join(', ') : undefined;
  return unknown
    ? { param: unknown, message: `unknown field(s): ${unknown}` }
    : { param, message: `${param || 'body'}: ${issue.message}` };
}
