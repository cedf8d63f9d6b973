import { json, type Route } from '../http/route';

/**
 * What the inference endpoints have computed since the server started: requests, and for embeddings each input
 * (a batch of 100 texts is 100 inputs). Tests read it through `GET /v1/_admin/usage` to check that a re-index
 * embedded only changed chunks; operators can read how much work a run asked for.
 */
export class UsageCounter {
  readonly embeddings = { requests: 0, inputs: 0, tokens: 0 };
  readonly chat = { requests: 0, promptTokens: 0 };

  /** `GET /v1/_admin/usage` (admin: no auth, faults or rate limits). */
  route(): Route {
    return {
      method: 'GET',
      pattern: /^\/v1\/_admin\/usage$/,
      name: 'admin',
      admin: true,
      handler: () => json({ embeddings: this.embeddings, chat: this.chat }),
    };
  }
}
