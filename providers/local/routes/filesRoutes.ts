/** `/v1/files`: multipart upload, list (purpose, order, after, limit), retrieve, content, delete. */
import type { IncomingMessage } from 'node:http';
import { fileNotFound, invalidRequest } from '../http/apiError';
import { parseMultipart } from '../http/multipart';
import { paginate, parseLimit } from '../http/pagination';
import { readBody } from '../http/readBody';
import { json, type Route } from '../http/route';
import type { FileService } from '../files/fileService';

/** The upload route takes multipart/form-data (as OpenAI's does); every other write takes JSON. */
export function uploadTypes(req: IncomingMessage): readonly string[] {
  const pathname = (req.url ?? '').split('?')[0]?.replace(/\/+$/, '');
  return req.method === 'POST' && pathname === '/v1/files' ? ['multipart/form-data'] : [];
}

export function fileRoutes(files: FileService): Route[] {
  return [
    {
      method: 'POST',
      pattern: /^\/v1\/files$/,
      name: 'files.create',
      async handler({ req }) {
        const form = await parseMultipart(await readBody(req), req.headers['content-type']);
        if (!form.file)
          throw invalidRequest("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
        const purpose = form.fields.purpose;
        if (!purpose)
          throw invalidRequest("Missing required parameter: 'purpose'.", 'purpose', 'missing_required_parameter');
        let expires: number | null = null;
        if (form.fields['expires_after[seconds]'] !== undefined) {
          expires = Number(form.fields['expires_after[seconds]']);
          if (!Number.isInteger(expires) || expires < 3600 || expires > 2592000) {
            throw invalidRequest(
              "Invalid 'expires_after[seconds]': must be an integer between 3600 and 2592000.",
              'expires_after.seconds',
              'invalid_value',
            );
          }
        }
        return json(files.create(form.file.filename, purpose, form.file.bytes, expires));
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/files$/,
      name: 'files.list',
      handler({ query }) {
        const order = query.get('order') ?? 'desc';
        if (order !== 'asc' && order !== 'desc')
          throw invalidRequest("Invalid 'order': must be 'asc' or 'desc'.", 'order', 'invalid_value');
        const all = files.list(query.get('purpose'), order);
        const page = paginate(all, query.get('after'), parseLimit(query.get('limit'), 10000, 10000));
        return json({
          object: 'list',
          data: page.data,
          first_id: page.data[0]?.id ?? null,
          last_id: page.data.at(-1)?.id ?? null,
          has_more: page.has_more,
        });
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/files\/([^/]+)$/,
      name: 'files.retrieve',
      handler({ params }) {
        return json(files.require(params[0]!));
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/files\/([^/]+)\/content$/,
      name: 'files.content',
      handler({ params }) {
        const bytes = files.content(params[0]!);
        if (!bytes) throw fileNotFound(params[0]!);
        const f = files.require(params[0]!);
        return {
          kind: 'bytes',
          body: bytes,
          contentType: f.filename.endsWith('.csv') ? 'text/csv' : 'application/octet-stream',
        };
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/v1\/files\/([^/]+)$/,
      name: 'files.delete',
      handler({ params }) {
        if (!files.delete(params[0]!)) throw fileNotFound(params[0]!);
        return json({ id: params[0], object: 'file', deleted: true });
      },
    },
  ];
}
