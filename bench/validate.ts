/**
 * `npm run bench -- validate`: Tailor's dataset validation against the Python anchor (the cookbook data-prep
 * notebook's checks with tiktoken), side by side on the same generated files, in the same run.
 *
 * Files: 100,000 and 1,000,000 chat examples (~1 KB each) over a Zipf-distributed vocabulary of 50,000 made-up
 * words, so tokenizer caches see a realistic long tail rather than a handful of words. Generated once under
 * .tailor/bench/ and reused. Both sides run as child processes under bench/python/measure.py, which reports wall
 * time and peak RSS the same way for each. Tailor runs through the real CLI (`tailor validate --json`).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tailorHome } from '../config/paths';
import { ensureTiktokenCache } from './python/tiktokenCache';
import { mulberry32 } from '../core/stats/rng';

const ROOT = path.join(__dirname, '..');
const MODEL = 'gpt-4o-mini-2024-07-18';
const ENCODING = 'o200k_base';
const VOCABULARY = 50_000;
const ZIPF_EXPONENT = 1.07;
const GENERATOR_VERSION = 'v1';

/** mulberry32: small, fast, and the same sequence on every machine. */
const prng = mulberry32;

const ONSETS = [
  '',
  'b',
  'c',
  'd',
  'f',
  'g',
  'h',
  'j',
  'k',
  'l',
  'm',
  'n',
  'p',
  'r',
  's',
  't',
  'v',
  'w',
  'z',
  'br',
  'ch',
  'cl',
  'dr',
  'fl',
  'gr',
  'pl',
  'pr',
  'sh',
  'sl',
  'st',
  'str',
  'th',
  'tr',
];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ee', 'oo', 'ou', 'y'];
const CODAS = ['', '', 'n', 'r', 's', 't', 'l', 'nd', 'ng', 'st', 'ck', 'rt', 'sh', 'm', 'x'];

/** 50,000 distinct pronounceable words; frequent ranks get short words, as in natural language. */
function vocabulary(rand: () => number): string[] {
  const words = new Set<string>();
  const pick = <T>(a: readonly T[]) => a[Math.floor(rand() * a.length)]!;
  while (words.size < VOCABULARY) {
    const syllables = 1 + Math.min(3, Math.floor((words.size / VOCABULARY) * 3 + rand() * 1.6));
    let w = '';
    for (let s = 0; s < syllables; s++) w += pick(ONSETS) + pick(VOWELS) + pick(CODAS);
    words.add(w);
  }
  return [...words];
}

function zipfCdf(): Float64Array {
  const cdf = new Float64Array(VOCABULARY);
  let sum = 0;
  for (let r = 0; r < VOCABULARY; r++) cdf[r] = sum += 1 / Math.pow(r + 1, ZIPF_EXPONENT);
  for (let r = 0; r < VOCABULARY; r++) cdf[r]! /= sum;
  return cdf;
}

const SYSTEM_PROMPTS = [
  'You are a helpful support assistant for an online store. Answer politely and concisely.',
  'You summarise customer messages for the operations team in two or three sentences.',
  'You are a technical writer. Rewrite the user text as clear documentation.',
  'Answer the question using only the facts in the message. Say so when the answer is unknown.',
];

/** Writes `examples` chat examples to `file` (atomically: a partial file never looks finished). */
export function generateChatFile(file: string, examples: number, seed = 42): void {
  const rand = prng(seed);
  const words = vocabulary(rand);
  const cdf = zipfCdf();
  const word = () => {
    const u = rand();
    let lo = 0;
    let hi = VOCABULARY - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return words[lo]!;
  };
  const sentence = () => {
    const n = 6 + Math.floor(rand() * 14);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      let w = word();
      if (i === 0) w = w[0]!.toUpperCase() + w.slice(1);
      else if (rand() < 0.03) w = String(Math.floor(rand() * 10_000));
      parts.push(w);
      if (i < n - 1 && rand() < 0.08) parts[parts.length - 1] += ',';
    }
    return parts.join(' ') + (rand() < 0.15 ? '?' : '.');
  };
  const text = (minWords: number) => {
    const out: string[] = [];
    let count = 0;
    while (count < minWords) {
      const s = sentence();
      out.push(s);
      count += s.split(' ').length;
    }
    return out.join(' ');
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.partial`;
  const fd = fs.openSync(tmp, 'w');
  try {
    let buf: string[] = [];
    let chars = 0;
    for (let i = 0; i < examples; i++) {
      const line = JSON.stringify({
        messages: [
          { role: 'system', content: SYSTEM_PROMPTS[i % SYSTEM_PROMPTS.length]! },
          { role: 'user', content: text(60 + Math.floor(rand() * 40)) },
          { role: 'assistant', content: text(25 + Math.floor(rand() * 30)) },
        ],
      });
      buf.push(line, '\n');
      chars += line.length + 1;
      if (chars > 4 << 20) {
        fs.writeSync(fd, buf.join(''));
        buf = [];
        chars = 0;
      }
    }
    fs.writeSync(fd, buf.join(''));
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

function benchFile(examples: number): string {
  const file = path.join(tailorHome(), 'bench', `chat-zipf-${GENERATOR_VERSION}-${examples}.jsonl`);
  if (!fs.existsSync(file)) generateChatFile(file, examples);
  return file;
}

interface Measured {
  rc: number;
  secs: number;
  cpuSecs: number;
  maxRssKb: number;
  stdout: string;
}

function measure(cmd: string[], env: NodeJS.ProcessEnv): Measured {
  const out = path.join(tailorHome(), 'bench', `measure-${process.pid}.json`);
  const r = spawnSync('python3', [path.join(__dirname, 'python', 'measure.py'), out, '--', ...cmd], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.error) throw r.error;
  const m = JSON.parse(fs.readFileSync(out, 'utf8')) as Omit<Measured, 'stdout'>;
  fs.rmSync(out, { force: true });
  if (m.rc !== 0 && m.rc !== 1) throw new Error(`${cmd.join(' ')} exited ${m.rc}: ${r.stderr.slice(0, 2000)}`);
  return { ...m, stdout: r.stdout };
}

interface TokenFigures {
  total: number;
  billed: number;
  perExample: Record<string, number>;
  assistantPerExample: Record<string, number>;
}

const mb = (bytes: number) => bytes / 1e6;
const f1 = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const int = (x: number) => Math.round(x).toLocaleString('en-US');

export async function benchValidate(
  opts: { examples?: number[]; prepSizes?: number[] } = {},
): Promise<{ name: string; lines: string[] }> {
  const sizes = opts.examples ?? [100_000, 1_000_000];
  const probe = spawnSync('python3', ['-c', 'import tiktoken, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0)
    throw new Error(
      `the Python anchor needs tiktoken and numpy: pip install -r bench/requirements.txt (` +
        `${probe.stderr.trim().split('\n').pop()})`,
    );
  const cacheDir = ensureTiktokenCache(path.join(tailorHome(), 'bench', 'tiktoken-cache'));
  const env = { ...process.env, TIKTOKEN_CACHE_DIR: cacheDir };
  const lines: string[] = [];
  let ok = true;
  for (const n of sizes) {
    const file = benchFile(n);
    const bytes = fs.statSync(file).size;
    const tailor = measure(
      [process.execPath, path.join(ROOT, 'bin', 'tailor.js'), 'validate', file, '--model', MODEL, '--json'],
      env,
    );
    const anchor = measure(
      ['python3', path.join(__dirname, 'python', 'validate_anchor.py'), file, '--encoding', ENCODING],
      env,
    );
    const t = JSON.parse(tailor.stdout) as { examples: number; valid: boolean; tokens: TokenFigures };
    const a = JSON.parse(anchor.stdout) as { examples: number; tokens: TokenFigures };
    const ratio = anchor.secs / tailor.secs;
    const cpuRatio = anchor.cpuSecs / tailor.cpuSecs;
    const tokensEqual =
      t.tokens.total === a.tokens.total &&
      t.tokens.billed === a.tokens.billed &&
      JSON.stringify(roundAll(t.tokens.perExample)) === JSON.stringify(roundAll(a.tokens.perExample)) &&
      JSON.stringify(roundAll(t.tokens.assistantPerExample)) === JSON.stringify(roundAll(a.tokens.assistantPerExample));
    const rssMb = tailor.maxRssKb / 1024;
    lines.push(
      `${int(n)} examples, ${f1(mb(bytes))} MB (${ENCODING}, ${MODEL}):`,
      `  tailor  ${f1(tailor.secs)} s (cpu ${f1(tailor.cpuSecs)} s)  ${f1(mb(bytes) / tailor.secs)} MB/s  ` +
        `${int(t.examples / tailor.secs)} examples/s  peak RSS ${int(rssMb)} MB  (` +
        `${t.valid ? 'valid' : 'INVALID'})`,
      `  anchor  ${f1(anchor.secs)} s (cpu ${f1(anchor.cpuSecs)} s)  ${f1(mb(bytes) / anchor.secs)} MB/s  ` +
        `${int(a.examples / anchor.secs)} examples/s  peak RSS ${int(anchor.maxRssKb / 1024)} MB  (python + ` +
        `tiktoken, cookbook checks)`,
      `  ratio   ${ratio.toFixed(2)}× the anchor's throughput (target ≥ 2×)` +
        `${ratio >= 2 ? '' : '  BELOW TARGET'}; ${cpuRatio.toFixed(2)}× by CPU time`,
      `  tokens  ${tokensEqual ? 'equal' : 'DIFFERENT'}: tailor ${int(t.tokens.total)} / anchor ` +
        `${int(a.tokens.total)} total; billed ${int(t.tokens.billed)} / ${int(a.tokens.billed)}`,
    );
    if (n >= 1_000_000)
      lines.push(
        `  memory  ${int(rssMb)} MB peak RSS for ${int(n)} examples (target < 300 MB)` +
          `${rssMb < 300 ? '' : '  ABOVE TARGET'}`,
      );
    ok &&= tokensEqual && ratio >= 2 && (n < 1_000_000 || rssMb < 300);
  }
  // Long unspaced input and prep's memory: each beside its anchor, in this run.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when this bench runs
  const extremes = require('./validateExtremes') as typeof import('./validateExtremes');
  const parts = [extremes.benchUnspacedLine(measure, env), extremes.benchPrepMemory(measure, env, opts.prepSizes)];
  for (const part of parts) {
    lines.push(...part.lines);
    ok &&= part.ok;
  }
  lines.push(ok ? 'all validation targets met' : 'SOME VALIDATION TARGETS MISSED');
  return { name: 'validate', lines };
}

function roundAll(d: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
}

// Run directly (`node bin/run-ts.js bench/validate.ts [N...]`) as well as from bench/index.ts.
if (require.main === module || /bench[\\/]validate\.ts$/.test(process.argv[1] ?? '')) {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((x) => x > 0);
  benchValidate(sizes.length ? { examples: sizes } : {}).then(
    (r) => console.log(r.lines.join('\n')),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
