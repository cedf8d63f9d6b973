import { SYSTEM } from './gatewayHarness';

/** The model that answered each user's request to `model` through the gateway (its `x-tailor-model` header). */
export async function servedBy(gatewayUrl: string, model: string, users: string[]): Promise<Map<string, string>> {
  const served = new Map<string, string>();
  for (const user of users) {
    const res = await fetch(`${gatewayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tailor-user': user },
      body: JSON.stringify({
        model,
        temperature: 0,
        messages: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: 'The app crashes when I open settings' },
        ],
      }),
    });
    await res.text();
    if (res.status !== 200) throw new Error(`${model} for ${user}: HTTP ${res.status}`);
    served.set(user, res.headers.get('x-tailor-model') ?? '(none)');
  }
  return served;
}

/** `n` user keys. */
export const users = (n: number, prefix = 'user') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
