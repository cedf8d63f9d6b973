/**
 * Which folders the paths in a spec may point into, so a spec (or a client that skipped the checks) cannot make a
 * worker read any file it can, such as `/etc/shadow` or `../../.ssh/id_rsa`. The rule:
 * - a spec's paths must resolve inside the spec's own folder, the project root of the current directory (the nearest
 *   ancestor holding `package.json` or `.git`), or a root listed in `TAILOR_ALLOWED_ROOTS` (path-delimited);
 * - a worker, which does not know where a spec came from, allows the project root of its current directory,
 *   `TAILOR_HOME`, the artifact store and `TAILOR_ALLOWED_ROOTS`.
 * Symlinks are resolved (realpath) on both sides, so a link inside a root cannot lead out of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { artifactsDir, tailorHome } from './paths';

export const ALLOWED_ROOTS_VAR = 'TAILOR_ALLOWED_ROOTS';

type Env = Record<string, string | undefined>;

/** The realpath of a path, or of its nearest existing ancestor joined with the rest (for files not created yet). */
export function realPath(p: string): string {
  const abs = path.resolve(p);
  try {
    return fs.realpathSync(abs);
  } catch {
    const parent = path.dirname(abs);
    return parent === abs ? abs : path.join(realPath(parent), path.basename(abs));
  }
}

/** The nearest ancestor of `dir` (itself included) holding `package.json` or `.git`; `dir` when there is none. */
export function projectRoot(dir: string): string {
  let cur = path.resolve(dir);
  for (;;) {
    if (fs.existsSync(path.join(cur, 'package.json')) || fs.existsSync(path.join(cur, '.git'))) return cur;
    const up = path.dirname(cur);
    if (up === cur) return path.resolve(dir);
    cur = up;
  }
}

/** The roots `TAILOR_ALLOWED_ROOTS` lists (relative entries resolve against the current directory). */
export function envRoots(env: Env = process.env): string[] {
  return (env[ALLOWED_ROOTS_VAR] ?? '')
    .split(path.delimiter)
    .map((r) => r.trim())
    .filter(Boolean)
    .map((r) => path.resolve(r));
}

const unique = (roots: string[]) => [...new Set(roots.map(realPath))];

/** Where a worker's activities may read spec-named files. */
export function workerRoots(env: Env = process.env, cwd = process.cwd()): string[] {
  return unique([projectRoot(cwd), tailorHome(), artifactsDir(), ...envRoots(env)]);
}

/** Where the paths of a spec in `specDir` may point. */
export function specRoots(specDir: string, env: Env = process.env, cwd = process.cwd()): string[] {
  return unique([specDir, projectRoot(cwd), ...envRoots(env)]);
}

/** Whether `target` (after resolving symlinks) is one of `roots` or inside one. */
export function insideRoots(target: string, roots: string[]): boolean {
  const real = realPath(target);
  return roots.some((root) => {
    const rel = path.relative(root, real);
    return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
  });
}

/** The message for a refused path: what it resolved to and which roots are allowed (and how to add one). */
export function outsideRootsMessage(target: string, roots: string[]): string {
  const real = realPath(target);
  const shown = real === path.resolve(target) ? real : `${target} (resolves to ${real})`;
  return (
    `${shown} is outside the allowed roots (${roots.join(', ')}); ` +
    `move it under one, or add its folder to ${ALLOWED_ROOTS_VAR} (separated by '${path.delimiter}')`
  );
}

/**
 * Resolves a spec's relative (or absolute) path against the spec's folder and checks it against `specRoots`.
 * Returns the absolute path and, when it points outside, the problem to report at the key.
 */
export function confineSpecPath(specFile: string, rel: string): { path: string; outside?: string } {
  const dir = path.dirname(path.resolve(specFile));
  const abs = path.resolve(dir, rel);
  const roots = specRoots(dir);
  return insideRoots(abs, roots) ? { path: abs } : { path: abs, outside: outsideRootsMessage(abs, roots) };
}
