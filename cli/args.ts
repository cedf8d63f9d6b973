import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `util.parseArgs` that turns its TypeErrors (unknown option, missing value) into a UsageError (exit 2). */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    // Read `.message` without `instanceof Error`, which fails across realms (jest's VM) and would print
    // `TypeError [CODE]:`.
    const message = (err as { message?: unknown } | null)?.message;
    throw new UsageError(typeof message === 'string' ? message : String(err));
  }
}

/** Parses an integer option, naming the option when it is not one. */
export function intOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} expects an integer, got '${value}'`);
  return n;
}
