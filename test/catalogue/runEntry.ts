import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../cli/main';
import { runCli } from '../support/runCli';
import type { CliEntry, HttpRequest } from './catalogueTypes';

export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  /** What `main` threw (the binary would print its stack): always a catalogue failure. */
  threw?: unknown;
}

/** A fresh directory with the entry's files, an empty TAILOR_HOME and an empty TMPDIR beside them. */
export function materialise(entry: CliEntry): { dir: string; home: string; tmp: string; argv: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tailor-cat-${entry.id}-`));
  for (const [name, content] of Object.entries(entry.files ?? {})) fs.writeFileSync(path.join(dir, name), content);
  const home = path.join(dir, '.home');
  const tmp = path.join(dir, '.tmp');
  fs.mkdirSync(home);
  fs.mkdirSync(tmp);
  return { dir, home, tmp, argv: entry.argv.map((a) => a.replaceAll('{dir}', dir)) };
}

/** Every file under `dir` (relative paths): what a rejected input must not leave behind. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((d) => !d.isDirectory())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)));
}

/**
 * Runs `tailor ARGV` in this process through cli/main's `main`, with its output captured and the environment set
 * for the call. The unreachable TEMPORAL_ADDRESS makes any attempt to reach Temporal fail loudly.
 */
export async function runInProcess(argv: string[], env: Record<string, string>): Promise<CliOutcome> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const out: string[] = [];
  const err: string[] = [];
  const text = (args: unknown[]) =>
    args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? (a.stack ?? a.message) : String(a))).join(' ');
  const orig = {
    log: console.log,
    info: console.info,
    warn: console.warn,
    error: console.error,
    out: process.stdout.write,
    err: process.stderr.write,
  };
  console.log = console.info = (...a: unknown[]) => void out.push(text(a) + '\n');
  console.warn = console.error = (...a: unknown[]) => void err.push(text(a) + '\n');
  const sink = (into: string[]) =>
    ((chunk: string | Uint8Array) => (
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')),
      true
    )) as typeof process.stdout.write;
  process.stdout.write = sink(out);
  process.stderr.write = sink(err);
  try {
    const code = await main(argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } catch (threw) {
    return { code: null, stdout: out.join(''), stderr: err.join(''), threw };
  } finally {
    Object.assign(console, { log: orig.log, info: orig.info, warn: orig.warn, error: orig.error });
    process.stdout.write = orig.out;
    process.stderr.write = orig.err;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export function runBinary(argv: string[], env: Record<string, string>): Promise<CliOutcome> {
  return runCli(argv, env);
}

/** A stack frame or an `Error:`-prefixed dump: what a user must never see for a bad input. */
export const STACK_TRACE = /^\s+at \S|^(\w*Error)(\s\[\w+\])?: /m;

/** Sends one catalogue request to the backend at `origin`. */
export async function sendRequest(
  origin: string,
  r: HttpRequest,
): Promise<{ status: number; contentType: string; body: unknown }> {
  const headers: Record<string, string> = r.auth === false ? {} : { authorization: 'Bearer local' };
  let body: string | Buffer | FormData | undefined;
  if (r.json !== undefined) {
    body = JSON.stringify(r.json);
    headers['content-type'] = 'application/json';
  } else if (r.raw !== undefined) {
    body = r.raw;
    if (r.contentType) headers['content-type'] = r.contentType;
  } else if (r.form) {
    const form = new FormData();
    for (const [k, v] of Object.entries(r.form)) {
      if (typeof v === 'string') form.append(k, v);
      else form.append(k, new Blob([v.content]), v.filename);
    }
    body = form;
  }
  const res = await fetch(origin + r.path, { method: r.method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // left as text: the assertion on the error shape reports it
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: parsed };
}
