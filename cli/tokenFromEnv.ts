import { UsageError } from './command';

/** `--token-env VAR`: the token is read from the environment so it never appears in `ps` or shell history. */
export function tokenFromEnv(variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined;
  const token = process.env[variable];
  if (!token) throw new UsageError(`--token-env ${variable}: that environment variable is unset or empty`);
  return token;
}
