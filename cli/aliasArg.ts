import { parseAliasRef } from '../core/deploy/aliasRef';
import { UsageError } from './command';

/** A NAME@ALIAS command-line argument; a malformed one is a usage error (exit 2). */
export function aliasArg(arg: string): { pipeline: string; alias: string } {
  try {
    return parseAliasRef(arg);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
