import { OriginListError, originList } from '../servers/loopback/originList';
import { UsageError } from './command';

/** A `--ui-origin`/`--allow-origin` value as a list of origins; a malformed one is a usage error (exit 2). */
export function cliOrigins(flag: string, raw: string | undefined): string[] {
  try {
    return originList(flag, raw);
  } catch (err) {
    if (err instanceof OriginListError) throw new UsageError(err.message);
    throw err;
  }
}
