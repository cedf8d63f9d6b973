import { z } from 'zod';
import { FeedbackRatingSchema } from '../feedback/feedbackSchema';

/**
 * The body of the gateway's `POST /v1/feedback`: a rating of a captured answer, named by its response ID (the
 * completion's `id`). The question and the answer are already in the capture store, so only the judgement is sent.
 */
export const CaptureFeedbackSchema = z
  .object({
    /** The `id` of the chat completion the gateway returned. */
    responseId: z.string().min(1).max(200),
    rating: FeedbackRatingSchema,
    /** What the answer should have been. */
    correctedAnswer: z.string().min(1).optional(),
    /** A judgement between the answer and another one. */
    preference: z
      .object({ alternative: z.string().min(1), preferred: z.enum(['answer', 'alternative']) })
      .strict()
      .optional(),
    who: z.string().min(1).max(200).optional(),
  })
  .strict();
export type CaptureFeedback = z.infer<typeof CaptureFeedbackSchema>;
