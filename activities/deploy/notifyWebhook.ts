import { ApplicationFailure } from '@temporalio/common';
import { cancellationSignal } from '@temporalio/activity';
import type { DeployTarget } from '../../core/spec/deploySpec';
import { signWebhook } from '../../core/deploy/webhookSignature';
import { retryAfterMs } from '../../providers/openai/errors';
import { Failure, webhookFailureType } from '../../core/failures/failureTypes';

export interface AliasMapping {
  pipeline: string;
  alias: string;
  model: string | null;
  previous: string | null;
  runId: string;
  reason: string;
  /** When the move happened (workflow time), so a retried call sends the same body. */
  at: number;
}

/**
 * Tells a gateway or serving layer that an alias moved: a signed POST of the new mapping. The body is the same on
 * every attempt and carries an idempotency key, so a receiver can ignore repeats; Temporal retries failures.
 */
export async function notifyWebhook(input: {
  target: Extract<DeployTarget, { type: 'webhook' }>;
  mapping: AliasMapping;
}): Promise<{ status: number }> {
  const m = input.mapping;
  return postSignedWebhook(input.target, {
    body: JSON.stringify({ type: 'alias.moved', ...m }),
    at: m.at,
    idempotencyKey: `${m.runId}:${m.pipeline}@${m.alias}:${m.model ?? 'none'}`,
  });
}

/**
 * One signed POST (HMAC of "<timestamp>.<body>" with the secret named by `secretEnv`): what every Tailor webhook
 * sends. `at` (workflow time) sets the timestamp, so a retried call sends the same bytes; a 408, 409, 429 or 5xx is
 * retryable (after the receiver's retry-after), any other error answer fails at once.
 */
export async function postSignedWebhook(
  target: Extract<DeployTarget, { type: 'webhook' }>,
  message: { body: string; at: number; idempotencyKey: string },
): Promise<{ status: number }> {
  const secret = process.env[target.secretEnv];
  if (!secret) {
    throw ApplicationFailure.nonRetryable(
      `${target.secretEnv} (the webhook signing secret) is not set in the worker environment`,
      Failure.WebhookNotConfigured,
    );
  }
  const { body } = message;
  const timestamp = String(Math.floor(message.at / 1000));
  let res: Response;
  try {
    res = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-tailor-timestamp': timestamp,
        'x-tailor-signature': signWebhook(secret, timestamp, body),
        'idempotency-key': message.idempotencyKey,
      },
      body,
      signal: cancellationSignal(),
    });
  } catch (err) {
    throw ApplicationFailure.retryable(
      `webhook ${target.url} unreachable: ${(err as Error).message}`,
      Failure.WebhookUnreachable,
    );
  }
  await res.arrayBuffer().catch(() => undefined);
  if (res.ok) return { status: res.status };
  const retryable = res.status === 408 || res.status === 409 || res.status === 429 || res.status >= 500;
  throw ApplicationFailure.create({
    message: `webhook ${target.url} answered ${res.status}`,
    type: webhookFailureType(res.status),
    nonRetryable: !retryable,
    nextRetryDelay: retryable ? retryAfterMs(res.headers) : undefined,
  });
}
