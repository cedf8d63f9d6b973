import { z } from 'zod';
import { DeployTargetSchema } from '../../core/spec/deploySpec';
import type { BelowThresholdEvent } from '../../core/onlineEval/onlineEvalTypes';
import { withScoreStore } from '../../stores/processStores';
import { postSignedWebhook } from '../deploy/notifyWebhook';

const InputSchema = z
  .object({
    target: DeployTargetSchema,
    event: z
      .object({
        type: z.literal('online-eval.below-threshold'),
        alias: z.string().min(1),
        suite: z.string().min(1),
        model: z.string().min(1),
        score: z.number(),
        threshold: z.number(),
        n: z.number().int(),
        tickAt: z.string(),
        windowMs: z.number().int(),
        runId: z.string(),
      })
      .strict(),
    /** The tick in ms (the store's key) and workflow time (the signature's timestamp, the same on every attempt). */
    tick: z.number().int(),
    at: z.number().int(),
  })
  .strict();

/**
 * Sends a model's `online-eval.below-threshold` event to the deployment webhook (signed like every Tailor webhook,
 * retried by Temporal), unless the store says this tick's event for the model was delivered already; then notes the
 * delivery. The idempotency key names alias, suite, tick and model, so a receiver can drop a repeat.
 */
export async function alertBelowThreshold(
  input: z.input<typeof InputSchema>,
): Promise<{ delivered: 'now' | 'earlier'; status?: number }> {
  const { target, event, tick, at } = InputSchema.parse(input);
  const key = { alias: event.alias, suite: event.suite, tick, model: event.model };
  return withScoreStore(async (store) => {
    if ((await store.get(key))?.alertedAt != null) return { delivered: 'earlier' as const };
    const body = JSON.stringify(event satisfies BelowThresholdEvent);
    const idempotencyKey = `online-eval:${event.alias}:${event.suite}:${event.tickAt}:${event.model}`;
    const { status } = await postSignedWebhook(target, { body, at, idempotencyKey });
    await store.markAlerted(key, at);
    return { delivered: 'now' as const, status };
  });
}
