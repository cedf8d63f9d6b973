import fs from 'node:fs';
import type { CaseResult } from '../../core/evalSuite/caseResult';
import { artifactStore } from '../../stores/processStores';

/** A usage or input problem: the scripts print its message and exit 2, with no stack trace. */
export class InputError extends Error {
  override name = 'InputError';
}

/**
 * The case results of a suite run, from what `tailor eval SUITE --json` printed into `file`: its `results` artifact,
 * read from Tailor's artifact store ($TAILOR_HOME, where `tailor eval` wrote it).
 */
export async function caseResultsOf(file: string | undefined, usage: string): Promise<CaseResult[]> {
  if (!file) throw new InputError(`usage: ${usage}`);
  let sha256: unknown;
  try {
    sha256 = (JSON.parse(fs.readFileSync(file, 'utf8')) as { results?: { sha256?: unknown } }).results?.sha256;
  } catch (err) {
    throw new InputError(`${file}: ${(err as Error).message}`);
  }
  if (typeof sha256 !== 'string') {
    throw new InputError(`${file}: no "results" artifact; expected what \`tailor eval SUITE --json\` printed`);
  }
  const text = await artifactStore()
    .readText({ sha256 })
    .catch((err: unknown) => {
      throw new InputError(
        `${file}: its results artifact ${sha256.slice(0, 12)}… is not in this artifact store ` +
          `(${(err as Error).message}); use the TAILOR_HOME that \`tailor eval\` used`,
      );
    });
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CaseResult);
}

/** Runs a script's main: exit 0, or 2 with the message for an InputError, or 1 with the message for anything else. */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error((err as Error).message);
      process.exit(err instanceof InputError ? 2 : 1);
    },
  );
}
