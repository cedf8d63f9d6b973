import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures: `x-tailor-signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the timestamp in
 * `x-tailor-timestamp`, so a receiver can reject forged and replayed calls (the scheme Stripe and GitHub use).
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For receivers (and tests): constant-time check of a signature header. */
export function verifyWebhook(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
