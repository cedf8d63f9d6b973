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
  const secret = process.env[input.target.secretEnv];
  if (!secret) {
    throw ApplicationFailure.nonRetryable(
      `${input.target.secretEnv} (the webhook signing secret) is not set in the worker environment`,
      Failure.WebhookNotConfigured,
    );
  }
  const body = JSON.stringify({ type: 'alias.moved', ...input.mapping });
  const timestamp = String(Math.floor(input.mapping.at / 1000));
  let res: Response;
  try {
    res = await fetch(input.target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-tailor-timestamp': timestamp,
        'x-tailor-signature': signWebhook(secret, timestamp, body),
        'idempotency-key':
          `${input.mapping.runId}:${input.mapping.pipeline}@${input.mapping.alias}:` +
          `${input.mapping.model ?? 'none'}`,
      },
      body,
      signal: cancellationSignal(),
    });
  } catch (err) {
    throw ApplicationFailure.retryable(
      `webhook ${input.target.url} unreachable: ${(err as Error).message}`,
      Failure.WebhookUnreachable,
    );
  }
  await res.arrayBuffer().catch(() => undefined);
  if (res.ok) return { status: res.status };
  const retryable = res.status === 408 || res.status === 409 || res.status === 429 || res.status >= 500;
  throw ApplicationFailure.create({
    message: `webhook ${input.target.url} answered ${res.status}`,
    type: webhookFailureType(res.status),
    nonRetryable: !retryable,
    nextRetryDelay: retryable ? retryAfterMs(res.headers) : undefined,
  });
}
