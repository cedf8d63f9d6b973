/**
 * The fault SPEC language (documented in providers/local/README.md). A spec is a list of items
 * separated by commas, semicolons or whitespace:
 *
 *   seed=N                      seed for every probabilistic rule (default 0)
 *   ROUTE=KIND[@RATE][#COUNT]   request fault: on requests to ROUTE, with probability RATE
 *                               (default 1), at most COUNT times (default unlimited), answer KIND
 *   train.fail_after=N          running jobs fail after step N
 *   train.slow=MS               training steps take MS ms of wall time each
 *   train.degrade_final=1       the final epoch's model (its checkpoint and the job's model) answers with the
 *                               wrong labels: a stand-in for a last epoch that overfits, so an earlier
 *                               checkpoint scores better
 *
 * KIND: an HTTP status 400–599 (429 and 5xx get OpenAI's bodies; `429:MS` sets retry-after-ms),
 * `quota` (429 insufficient_quota, not retryable), `training_not_available` (403, OpenAI's
 * wind-down answer), `slow:MS` (receive the request, then do the work and answer after MS ms: a
 * client that gives up meanwhile does not stop it), `hang` (never answer),
 * `drop` (close the connection before doing anything), `drop_after` (do the work, then close the
 * connection instead of answering: a "lost response" that tests duplicate-safe retries).
 */
export type FaultKind =
  | { kind: 'status'; status: number; retryAfterMs?: number }
  | { kind: 'quota' }
  | { kind: 'training_not_available' }
  | { kind: 'slow'; ms: number }
  | { kind: 'hang' }
  | { kind: 'drop' }
  | { kind: 'drop_after' };

export interface FaultRule {
  route: string;
  fault: FaultKind;
  rate: number;
  count: number | null;
  text: string;
}

export interface FaultSpec {
  seed: number;
  rules: FaultRule[];
  trainFailAfter: number | null;
  trainStepMs: number | null;
  trainDegradeFinal: boolean;
}

export const ROUTE_NAMES = [
  'chat',
  'embeddings',
  'models.list',
  'models.retrieve',
  'models.delete',
  'files.create',
  'files.list',
  'files.retrieve',
  'files.content',
  'files.delete',
  'jobs.create',
  'jobs.list',
  'jobs.retrieve',
  'jobs.cancel',
  'jobs.pause',
  'jobs.resume',
  'jobs.events',
  'jobs.checkpoints',
] as const;

export class FaultSpecError extends Error {}

/** Does a rule's route (exact, a prefix group like `jobs`, or `*`) cover a request's route name? */
export function routeMatches(ruleRoute: string, route: string): boolean {
  return ruleRoute === '*' || ruleRoute === route || route.startsWith(`${ruleRoute}.`);
}

function parseKind(raw: string): FaultKind {
  const [name, arg] = raw.split(':', 2) as [string, string | undefined];
  const num = (what: string) => {
    const n = Number(arg);
    if (arg === undefined || !Number.isFinite(n) || n < 0)
      throw new FaultSpecError(`'${raw}': ${what} needs a non-negative number after ':'`);
    return n;
  };
  if (/^\d{3}$/.test(name)) {
    const status = Number(name);
    if (status < 400 || status > 599) throw new FaultSpecError(`'${raw}': status must be 400-599`);
    return arg !== undefined
      ? { kind: 'status', status, retryAfterMs: num('retry-after-ms') }
      : { kind: 'status', status };
  }
  switch (name) {
    case 'quota':
      return { kind: 'quota' };
    case 'training_not_available':
      return { kind: 'training_not_available' };
    case 'slow':
      return { kind: 'slow', ms: num('slow') };
    case 'hang':
      return { kind: 'hang' };
    case 'drop':
      return { kind: 'drop' };
    case 'drop_after':
      return { kind: 'drop_after' };
    default:
      throw new FaultSpecError(`unknown fault kind '${name}'`);
  }
}

export function parseFaultSpec(spec: string | undefined | null): FaultSpec {
  const out: FaultSpec = { seed: 0, rules: [], trainFailAfter: null, trainStepMs: null, trainDegradeFinal: false };
  for (const item of (spec ?? '').split(/[,;\s]+/).filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new FaultSpecError(`'${item}': expected KEY=VALUE`);
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    const int = () => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new FaultSpecError(`'${item}': expected a non-negative integer`);
      return n;
    };
    if (key === 'seed') out.seed = int();
    else if (key === 'train.fail_after') out.trainFailAfter = int();
    else if (key === 'train.slow') out.trainStepMs = int();
    else if (key === 'train.degrade_final') out.trainDegradeFinal = int() > 0;
    else {
      if (key !== '*' && !ROUTE_NAMES.some((r) => routeMatches(key, r)))
        throw new FaultSpecError(`'${item}': unknown route '${key}' (routes: *, ${ROUTE_NAMES.join(', ')})`);
      const m = /^([^@#]+)(?:@([0-9.]+))?(?:#(\d+))?$/.exec(value);
      if (!m) throw new FaultSpecError(`'${item}': expected KIND[@RATE][#COUNT]`);
      const rate = m[2] === undefined ? 1 : Number(m[2]);
      if (!(rate >= 0 && rate <= 1)) throw new FaultSpecError(`'${item}': rate must be in [0, 1]`);
      out.rules.push({
        route: key,
        fault: parseKind(m[1]!),
        rate,
        count: m[3] === undefined ? null : Number(m[3]),
        text: item,
      });
    }
  }
  return out;
}
