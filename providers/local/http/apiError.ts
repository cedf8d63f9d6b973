import { LoopbackHttpError } from '../../../servers/loopback/httpError';

/**
 * An error the backend answers with OpenAI's body `{error: {message, type, param, code}}` and the
 * matching status, so every client library maps it to the same error class it would for OpenAI.
 */
export class ApiError extends LoopbackHttpError {}

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new ApiError(400, message, 'invalid_request_error', param, code);

export const notFound = (message: string, param: string | null = null, code: string | null = null) =>
  new ApiError(404, message, 'invalid_request_error', param, code);

export const modelNotFound = (model: string) =>
  notFound(`The model \`${model}\` does not exist or you do not have access to it.`, 'model', 'model_not_found');

export const fileNotFound = (id: string) => notFound(`No such File object: ${id}`, 'id');

export const jobNotFound = (id: string) =>
  notFound(`Fine-tuning job ${id} not found.`, 'fine_tuning_job_id', 'fine_tuning_job_not_found');

/** OpenAI's 401 for a request without an `Authorization` header (only when the backend has a token). */
export const missingApiKey = () =>
  new ApiError(
    401,
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
      '(i.e. Authorization: Bearer YOUR_KEY).',
    'invalid_request_error',
    null,
    'invalid_api_key',
  );
