/**
 * `/v1/fine_tuning/jobs`: create, list (after, limit, `metadata[k]=v` filter or `metadata=null`),
 * retrieve, cancel, pause, resume, events, checkpoints. Lists are newest first, as OpenAI's are.
 */
import { ApiError } from '../http/apiError';
import { paginate, parseLimit } from '../http/pagination';
import { readJson } from '../http/readBody';
import { json, type Route } from '../http/route';
import { parseBody } from '../http/validate';
import type { FaultInjector } from '../faults/faultInjector';
import { createJobSchema } from '../schemas/fineTuningJobRequest';
import type { JobRunner } from '../training/jobRunner';
import type { JobObject } from '../training/jobRecord';

/** OpenAI's answer to a job create once its self-serve fine-tuning is winding down (403 training_not_available). */
export function trainingNotAvailable(): ApiError {
  return new ApiError(
    403,
    'OpenAI is winding down its self-serve fine-tuning platform, and your organization can no longer create ' +
      'new fine-tuning jobs. Inference on existing fine-tuned models is not affected.',
    'invalid_request_error',
    null,
    'training_not_available',
  );
}

/** Reads `metadata[k]=v` pairs (the SDK's bracket encoding); `metadata=null` asks for jobs without metadata. */
export function metadataFilter(query: URLSearchParams): ((job: JobObject) => boolean) | null {
  if (query.get('metadata') === 'null') return (j) => !j.metadata || Object.keys(j.metadata).length === 0;
  const pairs: [string, string][] = [];
  for (const [k, v] of query) {
    const m = /^metadata\[(.+)\]$/.exec(k);
    if (m) pairs.push([m[1]!, v]);
  }
  if (pairs.length === 0) return null;
  return (j) => pairs.every(([k, v]) => j.metadata?.[k] === v);
}

export function jobRoutes(jobs: JobRunner, _faults: FaultInjector): Route[] {
  const J = '^\\/v1\\/fine_tuning\\/jobs';
  return [
    {
      method: 'POST',
      pattern: new RegExp(`${J}$`),
      name: 'jobs.create',
      async handler({ req }) {
        const body = parseBody(createJobSchema, await readJson(req));
        return json(jobs.create(body));
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`${J}$`),
      name: 'jobs.list',
      handler({ query }) {
        const filter = metadataFilter(query);
        const all = filter ? jobs.list().filter(filter) : jobs.list();
        const page = paginate(all, query.get('after'), parseLimit(query.get('limit'), 20, 100));
        return json({ object: 'list', data: page.data, has_more: page.has_more });
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`${J}\\/([^/]+)$`),
      name: 'jobs.retrieve',
      handler: ({ params }) => json(jobs.retrieve(params[0]!)),
    },
    {
      method: 'POST',
      pattern: new RegExp(`${J}\\/([^/]+)\\/cancel$`),
      name: 'jobs.cancel',
      handler: ({ params }) => json(jobs.cancel(params[0]!)),
    },
    {
      method: 'POST',
      pattern: new RegExp(`${J}\\/([^/]+)\\/pause$`),
      name: 'jobs.pause',
      handler: ({ params }) => json(jobs.pause(params[0]!)),
    },
    {
      method: 'POST',
      pattern: new RegExp(`${J}\\/([^/]+)\\/resume$`),
      name: 'jobs.resume',
      handler: ({ params }) => json(jobs.resume(params[0]!)),
    },
    {
      method: 'GET',
      pattern: new RegExp(`${J}\\/([^/]+)\\/events$`),
      name: 'jobs.events',
      handler({ params, query }) {
        const page = paginate(jobs.events(params[0]!), query.get('after'), parseLimit(query.get('limit'), 20, 1000));
        return json({ object: 'list', data: page.data, has_more: page.has_more });
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`${J}\\/([^/]+)\\/checkpoints$`),
      name: 'jobs.checkpoints',
      handler({ params, query }) {
        const page = paginate(
          jobs.checkpoints(params[0]!),
          query.get('after'),
          parseLimit(query.get('limit'), 10, 100),
        );
        return json({
          object: 'list',
          data: page.data,
          first_id: page.data[0]?.id ?? null,
          last_id: page.data.at(-1)?.id ?? null,
          has_more: page.has_more,
        });
      },
    },
  ];
}
