import { failure } from '../../core/failures/failure';
import { Failure } from '../../core/failures/failureTypes';

/** The URL without its password, for messages: postgres://user@host:port/db. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'postgres://(an unparsable URL)';
  }
}

/**
 * What a PostgreSQL error means for a retry: the server unreachable, starting, full or a transaction that lost a
 * race → retryable `RegistryUnavailable`; wrong credentials → `RegistryAccessDenied`, a database that does not
 * exist → `RegistryMisconfigured` (neither retried). Anything else is returned as it is. Messages never hold the
 * password.
 */
export function postgresFailure(url: string, err: unknown): unknown {
  const e = err as { code?: string; message?: string };
  const code = e?.code ?? '';
  const said = redactPassword(url, e?.message ?? String(err));
  const message = `registry ${displayUrl(url)}: ${said}${code ? ` (${code})` : ''}`;
  if (code === '28P01' || code === '28000') return failure(Failure.RegistryAccessDenied, message);
  if (code === '3D000' || code === '3F000') return failure(Failure.RegistryMisconfigured, message);
  if (UNAVAILABLE.has(code) || code.startsWith('08') || /timeout|terminated|connection/i.test(e?.message ?? '')) {
    return failure(Failure.RegistryUnavailable, message);
  }
  return err;
}

const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '40001',
  '40P01',
]);

function redactPassword(url: string, text: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // no password to cut out
  }
  return password.length >= 3 ? text.split(password).join('[redacted]') : text;
}
