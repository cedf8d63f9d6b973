import type { HttpEntry } from '../catalogueTypes';

const MODEL = 'gpt-4o-mini-2024-07-18';
/** The catalogue's backend runs with this `maxBodyBytes`, so "oversized" needs only a small body. */
export const BODY_LIMIT = 64 * 1024;
const OVERSIZED = 96 * 1024;
const chat = (
  id: string,
  json: unknown,
  status: number,
  message: RegExp,
  param?: string | null,
  code?: string | null,
): HttpEntry => ({
  id,
  kind: 'http',
  request: { method: 'POST', path: '/v1/chat/completions', json },
  expect: {
    httpStatus: status,
    message,
    ...(param !== undefined ? { param } : {}),
    ...(code !== undefined ? { code } : {}),
  },
});
const job = (
  id: string,
  json: unknown,
  message: RegExp,
  param: string | null,
  code?: string | null,
  status = 400,
): HttpEntry => ({
  id,
  kind: 'http',
  request: { method: 'POST', path: '/v1/fine_tuning/jobs', json },
  expect: { httpStatus: status, message, param, ...(code !== undefined ? { code } : {}) },
});
const hi = [{ role: 'user', content: 'hi' }];

/**
 * Bodies the local OpenAI-compatible backend refuses with OpenAI's status and `{error: {message, type, param, code}}`.
 */
export const HTTP_ENTRIES: HttpEntry[] = [
  {
    id: 'http-malformed-json',
    kind: 'http',
    request: {
      method: 'POST',
      path: '/v1/chat/completions',
      raw: '{"model": "x", "messages": [',
      contentType: 'application/json',
    },
    expect: { httpStatus: 400, message: /could not parse the JSON body/, param: null },
  },
  chat(
    'http-chat-missing-model',
    { messages: hi },
    400,
    /Missing required parameter: 'model'/,
    'model',
    'missing_required_parameter',
  ),
  chat(
    'http-chat-missing-messages',
    { model: MODEL },
    400,
    /Missing required parameter: 'messages'/,
    'messages',
    'missing_required_parameter',
  ),
  chat(
    'http-chat-messages-wrong-type',
    { model: MODEL, messages: 'hi' },
    400,
    /Invalid value for 'messages': .*array/,
    'messages',
    'invalid_value',
  ),
  chat(
    'http-chat-bad-role',
    { model: MODEL, messages: [{ role: 'bot', content: 'hi' }] },
    400,
    /Invalid value for 'messages\.0\.role'/,
    'messages.0.role',
  ),
  chat(
    'http-chat-temperature-out-of-range',
    { model: MODEL, messages: hi, temperature: 5 },
    400,
    /Invalid value for 'temperature': .*2/,
    'temperature',
  ),
  chat('http-chat-n-not-integer', { model: MODEL, messages: hi, n: 1.5 }, 400, /Invalid value for 'n': .*int/, 'n'),
  chat(
    'http-chat-unknown-model',
    { model: 'gpt-17-ultra', messages: hi },
    404,
    /The model `gpt-17-ultra` does not exist/,
    'model',
    'model_not_found',
  ),
  chat(
    'http-chat-embedding-model',
    { model: 'text-embedding-3-small', messages: hi },
    404,
    /not a chat model/,
    'model',
  ),
  chat(
    'http-chat-top-logprobs-without-logprobs',
    { model: MODEL, messages: hi, top_logprobs: 3 },
    400,
    /'logprobs' must be set to true/,
    'top_logprobs',
  ),
  chat('http-chat-json-body-not-object', [1, 2, 3], 400, /The request body must be a JSON object, got an array/, null),
  {
    id: 'http-embeddings-empty-input',
    kind: 'http',
    request: { method: 'POST', path: '/v1/embeddings', json: { model: 'text-embedding-3-small', input: '' } },
    expect: { httpStatus: 400, message: /'\$\.input' is invalid/, param: 'input' },
  },
  {
    id: 'http-embeddings-too-many-dimensions',
    kind: 'http',
    request: {
      method: 'POST',
      path: '/v1/embeddings',
      json: { model: 'text-embedding-3-small', input: 'x', dimensions: 99999 },
    },
    expect: { httpStatus: 400, message: /'dimensions' = 99999\. Must be at most 1536/, param: 'dimensions' },
  },
  {
    id: 'http-upload-wrong-content-type',
    kind: 'http',
    request: { method: 'POST', path: '/v1/files', raw: '{"purpose":"fine-tune"}', contentType: 'application/json' },
    expect: { httpStatus: 400, message: /Invalid Content-Type header \(expected multipart\/form-data\)/ },
  },
  {
    id: 'http-upload-missing-purpose',
    kind: 'http',
    request: { method: 'POST', path: '/v1/files', form: { file: { filename: 'train.jsonl', content: '{}\n' } } },
    expect: {
      httpStatus: 400,
      message: /Missing required parameter: 'purpose'/,
      param: 'purpose',
      code: 'missing_required_parameter',
    },
  },
  {
    id: 'http-upload-missing-file',
    kind: 'http',
    request: { method: 'POST', path: '/v1/files', form: { purpose: 'fine-tune' } },
    expect: { httpStatus: 400, message: /Missing required parameter: 'file'/, param: 'file' },
  },
  {
    id: 'http-upload-bad-purpose',
    kind: 'http',
    request: {
      method: 'POST',
      path: '/v1/files',
      form: { purpose: 'training', file: { filename: 'train.jsonl', content: '{}\n' } },
    },
    expect: {
      httpStatus: 400,
      message: /'training' is not one of .*'fine-tune'/,
      param: 'purpose',
      code: 'invalid_value',
    },
  },
  {
    id: 'http-upload-fine-tune-not-jsonl',
    kind: 'http',
    request: {
      method: 'POST',
      path: '/v1/files',
      form: { purpose: 'fine-tune', file: { filename: 'train.csv', content: 'a,b\n' } },
    },
    expect: { httpStatus: 400, message: /Must be \.jsonl/, param: 'file', code: 'invalid_file_format' },
  },
  {
    id: 'http-upload-bad-expiry',
    kind: 'http',
    request: {
      method: 'POST',
      path: '/v1/files',
      form: { purpose: 'fine-tune', 'expires_after[seconds]': '60', file: { filename: 't.jsonl', content: '{}\n' } },
    },
    expect: { httpStatus: 400, message: /between 3600 and 2592000/, code: 'invalid_value' },
  },
  job(
    'http-job-unknown-field',
    { model: MODEL, training_file: 'file-x', epochs: 3 },
    /Unrecognized request argument supplied: epochs/,
    'epochs',
  ),
  job(
    'http-job-missing-training-file',
    { model: MODEL },
    /Missing required parameter: 'training_file'/,
    'training_file',
    'missing_required_parameter',
  ),
  job(
    'http-job-bad-method',
    { model: MODEL, training_file: 'file-x', method: { type: 'rlhf' } },
    /Invalid value for 'method\.type'/,
    'method.type',
    'invalid_value',
  ),
  job(
    'http-job-epochs-out-of-range',
    {
      model: MODEL,
      training_file: 'file-x',
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 0 } } },
    },
    /Invalid value for 'method\.supervised\.hyperparameters\.n_epochs'/,
    'method.supervised.hyperparameters.n_epochs',
  ),
  job(
    'http-job-suffix-too-long',
    { model: MODEL, training_file: 'file-x', suffix: 'x'.repeat(65) },
    /Invalid value for 'suffix'/,
    'suffix',
  ),
  job(
    'http-job-unknown-training-file',
    { model: MODEL, training_file: 'file-nope' },
    /invalid training_file: file-nope/,
    'training_file',
    'file_not_found',
  ),
  job(
    'http-job-unknown-model',
    { model: 'gpt-17-ultra', training_file: 'file-x' },
    /Model gpt-17-ultra is not available for fine-tuning/,
    'model',
    'model_not_available',
  ),
  job(
    'http-job-too-much-metadata',
    {
      model: MODEL,
      training_file: 'file-x',
      metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])),
    },
    /Invalid value for 'metadata': metadata may hold at most 16 keys/,
    'metadata',
  ),
  {
    id: 'http-unknown-job',
    kind: 'http',
    request: { method: 'GET', path: '/v1/fine_tuning/jobs/ftjob-nope' },
    expect: { httpStatus: 404, message: /Fine-tuning job ftjob-nope not found/, code: 'fine_tuning_job_not_found' },
  },
  {
    id: 'http-list-bad-limit',
    kind: 'http',
    request: { method: 'GET', path: '/v1/files?limit=0' },
    expect: { httpStatus: 400, message: /Invalid 'limit': must be an integer between 1 and/, param: 'limit' },
  },
  {
    id: 'http-chat-oversized-body',
    kind: 'http',
    request: {
      method: 'POST',
      path: '/v1/chat/completions',
      json: { model: MODEL, messages: [{ role: 'user', content: 'x'.repeat(OVERSIZED) }] },
    },
    expect: {
      httpStatus: 413,
      message: new RegExp(`exceeds the ${BODY_LIMIT}-byte limit \\(maxBodyBytes`),
      code: 'request_too_large',
    },
  },
  {
    id: 'http-upload-oversized-file',
    kind: 'http',
    request: {
      method: 'POST',
      path: '/v1/files',
      form: { purpose: 'fine-tune', file: { filename: 'big.jsonl', content: '{}\n'.repeat(OVERSIZED / 3) } },
    },
    expect: { httpStatus: 413, message: new RegExp(`exceeds the ${BODY_LIMIT}-byte limit`), code: 'request_too_large' },
  },
  {
    // What a web page can send cross-site without a preflight; without a token no API key is needed (auth: false).
    id: 'http-cross-site-text-plain',
    kind: 'http',
    request: {
      method: 'POST',
      path: '/v1/_admin/faults',
      raw: '{"spec":"chat=500"}',
      contentType: 'text/plain',
      auth: false,
    },
    expect: { httpStatus: 415, message: /Unsupported Content-Type 'text\/plain'/, code: 'unsupported_media_type' },
  },
  {
    id: 'http-unknown-route',
    kind: 'http',
    request: { method: 'POST', path: '/v1/completions', json: { model: MODEL, prompt: 'hi' } },
    expect: { httpStatus: 404, message: /Invalid URL \(POST \/v1\/completions\)/ },
  },
  {
    id: 'http-wrong-method',
    kind: 'http',
    request: { method: 'DELETE', path: '/v1/chat/completions' },
    expect: { httpStatus: 405, message: /Invalid URL \(DELETE \/v1\/chat\/completions\)/ },
  },
];
