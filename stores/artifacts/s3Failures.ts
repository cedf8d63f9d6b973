import { ApplicationFailure } from '@temporalio/common';
import { failure } from '../../core/failures/failure';
import { Failure } from '../../core/failures/failureTypes';

/**
 * What an S3 error means for a retry. The message names the store's location and the key, the error's code and HTTP
 * status, never a credential: the SDK's own message is kept only after every configured secret is cut out of it.
 */
export function s3Failure(
  location: string,
  action: string,
  err: unknown,
  env: NodeJS.ProcessEnv = process.env,
): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = e?.code ?? e?.name ?? 'Error';
  const status = e?.$metadata?.httpStatusCode;
  // A HEAD request's error has no body, so the SDK knows only its status ('Unknown', 'UnknownError').
  const known = code !== 'Unknown' && code !== 'UnknownError';
  const said = e?.message && e.message !== 'UnknownError' ? `: ${e.message}` : '';
  const detail = redactSecrets(`${known ? `${code} ` : ''}${status ? `(HTTP ${status})` : ''}${said}`.trim(), env);
  const message = `artifact store ${location}: cannot ${action}: ${detail}`;
  if (ACCESS_DENIED.has(code) || status === 401 || status === 403) {
    return failure(Failure.ArtifactStoreAccessDenied, `${message} (check the AWS credentials the worker runs with)`);
  }
  if (MISCONFIGURED.has(code) || /region is missing/i.test(e?.message ?? '')) {
    return failure(Failure.ArtifactStoreMisconfigured, message);
  }
  if (NETWORK.has(code) || status === undefined || status >= 500 || status === 429) {
    return failure(Failure.ArtifactStoreUnavailable, message);
  }
  return failure(Failure.ArtifactStoreError, message);
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'CredentialsProviderError',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
]);
const MISCONFIGURED = new Set([
  'NoSuchBucket',
  'InvalidBucketName',
  'PermanentRedirect',
  'AuthorizationHeaderMalformed',
]);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'TimeoutError',
  'RequestTimeout',
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
]);

/** Cuts every configured secret (secret key, session token) out of a message, whatever the SDK put in it. */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text;
  for (const name of ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
    const secret = env[name];
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}
