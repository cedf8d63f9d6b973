/**
 * multipart/form-data parsing for `POST /v1/files`, through the WHATWG `Response.formData()` that
 * Node 20 ships (undici), so there is no hand-written boundary parser to get wrong.
 */
import { invalidRequest } from './apiError';

export interface UploadedForm {
  fields: Record<string, string>;
  file: { filename: string; bytes: Buffer } | null;
}

export async function parseMultipart(body: Buffer, contentType: string | undefined): Promise<UploadedForm> {
  if (!contentType || !contentType.toLowerCase().startsWith('multipart/form-data')) {
    throw invalidRequest('Invalid Content-Type header (expected multipart/form-data).', null);
  }
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw invalidRequest('Could not parse multipart form data.', null);
  }
  const fields: Record<string, string> = {};
  let file: UploadedForm['file'] = null;
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') fields[name] = value;
    else if (name === 'file') {
      // One upload is one file: keeping either of two silently would store data the caller did not mean to.
      if (file)
        throw invalidRequest(
          "Expected exactly one 'file' part; the request has more than one.",
          'file',
          'invalid_value',
        );
      file = { filename: value.name || 'upload', bytes: Buffer.from(await value.arrayBuffer()) };
    }
  }
  return { fields, file };
}
