/**
 * The two extremes `npm run bench -- validate` adds to its throughput figures, each beside an anchor measured in
 * the same run, through the real CLI in child processes (bench/python/measure.py):
 *
 * - one 1 MB line of unspaced text ('y' repeated): `tailor validate` and `tailor prep` (token counting, the
 *   pre-tokenizer, PII scrubbing), against the same commands on 1 MB of ordinary spaced text and on a one-line
 *   file (process start-up, subtracted to give the line's own CPU time; target under 2 s);
 * - `tailor prep`'s peak RSS at 1,000,000 short examples against 100,000 (flat means about equal; target
 *   ≤ 300 MB), with `tailor validate` on the same 1M file as the streaming anchor.
 */
import fs from 'node:fs';
import path from 'node:path';
import { tailorHome } from '../config/paths';
import { mulberry32 } from '../core/stats/rng';

export interface Measured {
  rc: number;
  secs: number;
  cpuSecs: number;
  maxRssKb: number;
  stdout: string;
}

type Measure = (cmd: string[], env: NodeJS.ProcessEnv) => Measured;

const ROOT = path.join(__dirname, '..');
const MODEL = 'gpt-4o-mini-2024-07-18';
const LINE_BYTES = 1 << 20;
const VERSION = 'v1';

const f2 = (x: number) => x.toFixed(2);
const int = (x: number) => Math.round(x).toLocaleString('en-US');

function benchDir(): string {
  const dir = path.join(tailorHome(), 'bench');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function writeOnce(name: string, write: (file: string) => void): string {
  const file = path.join(benchDir(), name);
  if (!fs.existsSync(file)) {
    write(`${file}.partial`);
    fs.renameSync(`${file}.partial`, file);
  }
  return file;
}

const chatLine = (user: string, assistant: string) =>
  JSON.stringify({
    messages: [
      { role: 'user', content: user },
      { role: 'assistant', content: assistant },
    ],
  });

/** Ordinary words, deterministic. */
function words(rand: () => number, n: number): string {
  const syl = ['ka', 'lo', 'mi', 'ne', 'su', 'ta', 'ri', 'po', 'de', 'fu', 'ga', 'hi'];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = 1 + Math.floor(rand() * 3);
    let w = '';
    for (let k = 0; k < len; k++) w += syl[Math.floor(rand() * syl.length)];
    out.push(w);
  }
  return out.join(' ');
}

function tailorCmd(...args: string[]): string[] {
  return [process.execPath, path.join(ROOT, 'bin', 'tailor.js'), ...args];
}

export function benchUnspacedLine(measure: Measure, env: NodeJS.ProcessEnv): { lines: string[]; ok: boolean } {
  const oneLine = (text: string) => (f: string) => fs.writeFileSync(f, chatLine('q', text) + '\n');
  const unspaced = writeOnce(`unspaced-1mb-${VERSION}.jsonl`, oneLine('y'.repeat(LINE_BYTES)));
  const ordinary = writeOnce('spaced-1mb-v2.jsonl', oneLine(words(mulberry32(7), LINE_BYTES / 4).slice(0, LINE_BYTES)));
  const tiny = writeOnce(`one-line-${VERSION}.jsonl`, (f) => fs.writeFileSync(f, chatLine('q', 'a') + '\n'));
  const lines = ['one 1 MB line (tailor validate / tailor prep, child processes):'];
  let ok = true;
  for (const cmd of ['validate', 'prep'] as const) {
    const run = (file: string) => measure(tailorCmd(cmd, file, '--model', MODEL, '--json'), env);
    const start = run(tiny);
    const u = run(unspaced);
    const o = run(ordinary);
    // Judged by CPU time: on a shared machine wall time mostly measures the neighbours.
    const own = u.cpuSecs - start.cpuSecs;
    const met = own < 2;
    ok &&= met;
    lines.push(
      `  ${cmd.padEnd(8)} unspaced ${f2(u.secs)} s (cpu ${f2(u.cpuSecs)} s)  ` +
        `ordinary text ${f2(o.secs)} s (cpu ${f2(o.cpuSecs)} s)  ` +
        `start-up ${f2(start.secs)} s (cpu ${f2(start.cpuSecs)} s)`,
      `           the unspaced line's own time: cpu ${f2(own)} s, wall ${f2(u.secs - start.secs)} s ` +
        `(target < 2 s)${met ? '' : '  ABOVE TARGET'}; ` +
        `ordinary text's: cpu ${f2(o.cpuSecs - start.cpuSecs)} s`,
    );
  }
  return { lines, ok };
}

/** `n` short, distinct chat examples (~110 bytes each): memory per example dominates, not text size. */
function shortChatFile(n: number): string {
  return writeOnce(`short-chat-${VERSION}-${n}.jsonl`, (f) => {
    const rand = mulberry32(n);
    const fd = fs.openSync(f, 'w');
    try {
      let buf: string[] = [];
      for (let i = 0; i < n; i++) {
        buf.push(chatLine(`${i} ${words(rand, 10)}`, words(rand, 5)), '\n');
        if (buf.length >= 20_000) {
          fs.writeSync(fd, buf.join(''));
          buf = [];
        }
      }
      fs.writeSync(fd, buf.join(''));
    } finally {
      fs.closeSync(fd);
    }
  });
}

export function benchPrepMemory(
  measure: Measure,
  env: NodeJS.ProcessEnv,
  sizes = [100_000, 1_000_000],
): { lines: string[]; ok: boolean } {
  const lines = ['tailor prep peak memory (child process, ru_maxrss):'];
  let ok = true;
  const rss: number[] = [];
  for (const n of sizes) {
    const file = shortChatFile(n);
    let m: Measured;
    try {
      m = measure(tailorCmd('prep', file, '--model', MODEL, '--json'), env);
    } catch (err) {
      lines.push(`  ${int(n).padStart(9)} examples  FAILED: ${(err as Error).message.split('\n')[0]!.slice(0, 200)}`);
      ok = false;
      continue;
    }
    const mb = m.maxRssKb / 1024;
    rss.push(mb);
    const kept = m.rc === 0 ? (JSON.parse(m.stdout) as { counts: { kept: number } }).counts.kept : 0;
    const met = n < 1_000_000 || mb <= 300;
    ok &&= met && m.rc === 0;
    const target = n >= 1_000_000 ? ` (target ≤ 300 MB)${met ? '' : '  ABOVE TARGET'}` : '';
    const time = `${f2(m.secs)} s (cpu ${f2(m.cpuSecs)} s)`;
    lines.push(`  ${int(n).padStart(9)} examples  peak RSS ${int(mb)} MB  ${time}  kept ${int(kept)}${target}`);
  }
  if (rss.length === 2) {
    const more = `${int(sizes[1]! / sizes[0]!)}× the examples`;
    lines.push(`  ${f2(rss[1]! / rss[0]!)}× the memory for ${more} (flat would be ~1×)`);
  }
  const big = sizes[sizes.length - 1]!;
  const anchor = measure(tailorCmd('validate', shortChatFile(big), '--model', MODEL, '--json'), env);
  const anchorRss = int(anchor.maxRssKb / 1024);
  const anchorTime = `${f2(anchor.secs)} s`;
  lines.push(`  anchor: tailor validate, same ${int(big)} examples  peak RSS ${anchorRss} MB  ${anchorTime} (streams)`);
  return { lines, ok };
}
