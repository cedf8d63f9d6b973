/**
 * Test and operator controls under `/v1/_admin` (not part of OpenAI's API; documented in the
 * README). They bypass auth, faults and rate limits so a test can always reconfigure the backend:
 *   GET    /v1/_admin/faults        current spec and how often each rule fired
 *   POST   /v1/_admin/faults        {"spec": "chat=500@0.5,seed=7"} replaces all faults
 *   DELETE /v1/_admin/faults        clears all faults
 *   GET    /v1/_admin/rate_limits   current limits; POST {"rpm": 60, "tpm": 10000} replaces them (0/omitted =
 * unlimited)
 *   GET    /v1/_admin/health        {"ok": true}
 */
import { z } from 'zod';
import { invalidRequest } from '../http/apiError';
import { readJson } from '../http/readBody';
import { json, type Route } from '../http/route';
import { parseBody } from '../http/validate';
import { FaultSpecError } from '../faults/faultSpec';
import type { FaultInjector } from '../faults/faultInjector';
import type { RateLimiter } from '../limits/rateLimiter';

const faultsBody = z.object({ spec: z.string() });
const limitsBody = z.object({
  rpm: z.number().int().min(0).nullable().optional(),
  tpm: z.number().int().min(0).nullable().optional(),
});

export function adminRoutes(faults: FaultInjector, limiter: RateLimiter): Route[] {
  return [
    { method: 'GET', pattern: /^\/v1\/_admin\/health$/, name: 'admin', admin: true, handler: () => json({ ok: true }) },
    {
      method: 'GET',
      pattern: /^\/v1\/_admin\/faults$/,
      name: 'admin',
      admin: true,
      handler: () => json(faults.describe()),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/_admin\/faults$/,
      name: 'admin',
      admin: true,
      async handler({ req }) {
        const { spec } = parseBody(faultsBody, await readJson(req));
        try {
          faults.set(spec);
        } catch (err) {
          if (err instanceof FaultSpecError)
            throw invalidRequest(`Invalid fault spec: ${err.message}`, 'spec', 'invalid_value');
          throw err;
        }
        return json(faults.describe());
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/v1\/_admin\/faults$/,
      name: 'admin',
      admin: true,
      handler() {
        faults.set('');
        return json(faults.describe());
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/_admin\/rate_limits$/,
      name: 'admin',
      admin: true,
      handler: () => json(limiter.limits),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/_admin\/rate_limits$/,
      name: 'admin',
      admin: true,
      async handler({ req }) {
        const body = parseBody(limitsBody, await readJson(req));
        limiter.configure({ rpm: body.rpm ?? undefined, tpm: body.tpm ?? undefined });
        return json(limiter.limits);
      },
    },
  ];
}
