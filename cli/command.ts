/**
 * One `tailor` sub-command per file under cli/commands/, each exporting `command: CliCommand`.
 * `run` returns the exit code: 0 success, 1 a result that is a failure (e.g. invalid data), 2 a usage error.
 */
export interface CliCommand {
  name: string;
  /** One line for `tailor --help`. */
  summary: string;
  /** The full `tailor NAME --help` text: usage line, options with defaults, an example. */
  help: string;
  run(argv: string[]): Promise<number>;
}

/** A mistake in how the command was called or in a file the user gave: printed without a stack trace, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
