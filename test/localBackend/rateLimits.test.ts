/** Configured RPM/TPM limits: x-ratelimit-* headers and 429s with retry-after(-ms), as OpenAI sends them. */
import OpenAI from 'openai';
import { startTestBackend } from './support/backend';

const ask = (client: OpenAI, content = 'hello') =>
  client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }).withResponse();

test('RPM: headers count down, then 429 with retry-after and retry-after-ms', async () => {
  const b = await startTestBackend({ rateLimit: { rpm: 3 } });
  try {
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await ask(b.client);
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('3');
      remaining.push(response.headers.get('x-ratelimit-remaining-requests')!);
    }
    expect(remaining).toEqual(['3', '2', '1']);
    const err = (await ask(b.client).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.code).toBe('rate_limit_exceeded');
    expect(err.type).toBe('requests');
    expect(err.message).toMatch(/requests per min \(RPM\): Limit 3/);
    const ms = Number(err.headers?.get('retry-after-ms'));
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThanOrEqual(20_000);
    expect(Number(err.headers?.get('retry-after'))).toBe(Math.ceil(ms / 1000));
    expect(err.headers?.get('x-ratelimit-reset-requests')).toMatch(/^\d+(\.\d+)?(ms|s)$|^\d+m/);
  } finally {
    await b.close();
  }
});

test('TPM: a request over the remaining budget is a 429; one larger than the limit is never retryable', async () => {
  const b = await startTestBackend({ rateLimit: { tpm: 30 } });
  try {
    await ask(b.client, 'one two three four five six seven eight nine ten');
    const err = (await ask(b.client, 'one two three four five six seven eight nine ten eleven twelve').catch(
      (e: unknown) => e,
    )) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.type).toBe('tokens');
    const tooBig = (await ask(b.client, 'word '.repeat(200)).catch((e: unknown) => e)) as InstanceType<
      typeof OpenAI.RateLimitError
    >;
    expect(tooBig).toBeInstanceOf(OpenAI.RateLimitError);
    expect(tooBig.message).toMatch(/Request too large/);
    expect(tooBig.headers?.get('x-should-retry')).toBe('false');
  } finally {
    await b.close();
  }
});

test('limits can be changed at runtime through the admin endpoint', async () => {
  const b = await startTestBackend();
  try {
    const { response } = await ask(b.client);
    expect(Number(response.headers.get('x-ratelimit-limit-requests'))).toBeGreaterThan(10_000);
    await b.client.post('/_admin/rate_limits', { body: { rpm: 1 } });
    await ask(b.client);
    await expect(ask(b.client)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    // Non-inference routes are not limited.
    await expect(b.client.models.list()).resolves.toBeDefined();
  } finally {
    await b.close();
  }
});
