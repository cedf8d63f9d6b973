import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import o200k from 'gpt-tokenizer/cjs/encoding/o200k_base';
import cl100k from 'gpt-tokenizer/cjs/encoding/cl100k_base';
import { validateFile } from '../../activities/dataset/validateFile';
import { bpeCount } from '../../core/dataset/bpeCount';
import { ALL_PII_KINDS, scrubPii } from '../../core/dataset/piiScrubber';
import { asciiBpeCount, tokenCounter } from '../../core/dataset/tokenCounter';

// Long unspaced text is one pre-token (the split regex only breaks at spaces, case and script changes), so a
// quadratic merge or a backtracking regex shows up as t(4N) ≈ 16 × t(N). Linear work gives about 4×; the bound
// below is generous and measured in CPU time (not wall time), so a busy machine does not fail it.
const N = 40_000;
const SLACK_MS = 250;

function cpuMs(f: () => unknown): number {
  const start = process.cpuUsage();
  f();
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** The best of three runs: the least disturbed by other processes. */
function bestCpuMs(f: () => unknown): number {
  return Math.min(cpuMs(f), cpuMs(f), cpuMs(f));
}

/**
 * Times f on N and 4N characters, up to three times. A garbage collection of the test worker's own heap (large late
 * in a full run) can land on one measurement and cost more than the work itself, but not on three attempts in a
 * row; a quadratic implementation fails every attempt, by far more than the bound.
 */
function linearAttempts(make: (n: number) => string, f: (text: string) => unknown) {
  const small = make(N);
  const large = make(4 * N);
  const attempts: { t1: number; t4: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const t1 = bestCpuMs(() => f(small));
    const t4 = bestCpuMs(() => f(large));
    attempts.push({ t1, t4 });
    if (t4 < 8 * t1 + SLACK_MS) return { attempts, linear: true };
  }
  return { attempts, linear: false };
}

const cjk = (n: number) =>
  Array.from({ length: n }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20_000))).join('');
const INPUTS: [string, (n: number) => string][] = [
  ["'y' × N", (n) => 'y'.repeat(n)],
  ['N CJK characters without spaces', cjk],
  ['N digits', (n) => '7'.repeat(n)],
  ['a base64-like blob', (n) => Array.from({ length: n }, (_, i) => 'aZ0+/xQ9'[(i * 31) % 8]).join('')],
];

describe('long unspaced text takes linear time', () => {
  test.each(INPUTS)('token counting of %s (o200k and cl100k)', (_name, make) => {
    for (const encoding of ['o200k_base', 'cl100k_base'] as const) {
      const counter = tokenCounter(encoding);
      counter.count('warm up the rank tables');
      expect({ encoding, ...linearAttempts(make, (t) => counter.count(t)) }).toMatchObject({ linear: true });
    }
  });

  test.each(INPUTS)('PII scrubbing of %s', (_name, make) => {
    const kinds = new Set(ALL_PII_KINDS);
    expect(linearAttempts(make, (t) => scrubPii(t, kinds, {}))).toMatchObject({ linear: true });
  });

  test('a 1 MB unspaced line costs a bounded number of rank lookups per character', () => {
    // Counted work, not time: the benchmark (`npm run bench -- validate`) reports the seconds. Every merge and
    // every lookup goes through the rank map, so a quadratic merge would make about n²/2 lookups here.
    const core = (
      o200k as unknown as { bytePairEncodingCoreProcessor: { bytePairStringRankEncoder: Map<string, number> } }
    ).bytePairEncodingCoreProcessor;
    let lookups = 0;
    const counting = new (class extends Map<string, number> {
      override get(key: string) {
        lookups++;
        return super.get(key);
      }
    })(core.bytePairStringRankEncoder);
    const n = 1 << 20;
    const piece = 'y'.repeat(n);
    const tokens = asciiBpeCount(piece, counting);
    expect(tokens).toBeGreaterThan(0);
    expect(lookups / n).toBeLessThan(4);
  });
});

describe('the linear merge counts exactly what the quadratic one did', () => {
  const noSpecial = { disallowedSpecial: new Set<string>() };
  function randomText(seed: number, len: number, alphabet: string[]): string {
    let x = seed;
    let s = '';
    for (let i = 0; i < len; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      s += alphabet[(x >>> 8) % alphabet.length];
    }
    return s;
  }
  const LETTERS = [...'aaabbcdeeefghiiklmnoopqrsttuy'];
  const MIXED = [...'abcXYZ019', 'é', 'ß', '中', '文', '字', '😀', 'ж', 'ا'];

  test.each([
    ['o200k_base', o200k],
    ['cl100k_base', cl100k],
  ] as const)('%s: long pieces agree with gpt-tokenizer, normal text too', (encoding, api) => {
    const counter = tokenCounter(encoding);
    const texts = [
      'y'.repeat(3000),
      'ab'.repeat(1500),
      cjk(1500),
      '7'.repeat(500) + 'x'.repeat(700),
      ...Array.from({ length: 20 }, (_, i) => randomText(i + 1, 200 + i * 40, LETTERS)),
      ...Array.from({ length: 20 }, (_, i) => randomText(i + 100, 100 + i * 20, MIXED)),
      fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8'),
    ];
    for (const t of texts) {
      expect([t.slice(0, 40), counter.count(t)]).toEqual([t.slice(0, 40), api.countTokens(t, noSpecial)]);
    }
  });

  test('the heap merge equals the scan on random pieces of every length', () => {
    // A toy vocabulary where many merges tie: ranks by pair content, so leftmost-first decides.
    const ranks = new Map<string, number>();
    for (const a of 'abc') ranks.set(a, ranks.size);
    const merges = ['aa', 'ab', 'ba', 'bb', 'aaaa', 'abab', 'bbb', 'aab', 'ca', 'cab', 'aaaaaaaa', 'abba'];
    for (const w of merges) ranks.set(w, ranks.size);
    const scan = (piece: string) => {
      const parts = [...piece];
      for (;;) {
        let best = Infinity;
        let at = -1;
        for (let k = 0; k + 1 < parts.length; k++) {
          const r = ranks.get(parts[k]! + parts[k + 1]!);
          if (r !== undefined && r < best) [best, at] = [r, k];
        }
        if (at < 0) return parts.length;
        parts.splice(at, 2, parts[at]! + parts[at + 1]!);
      }
    };
    for (let seed = 1; seed <= 2000; seed++) {
      const piece = randomText(seed, 1 + (seed % 90), ['a', 'a', 'b', 'c']);
      expect([piece, bpeCount(piece.length, (s, e) => ranks.get(piece.slice(s, e)))]).toEqual([piece, scan(piece)]);
    }
  });
});

test('validation reports progress by elapsed time, not only every 64 MB', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-progress-'));
  try {
    const file = path.join(dir, 'd.jsonl');
    const line = JSON.stringify({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a' },
      ],
    });
    fs.writeFileSync(file, `${line}\n`.repeat(60_000)); // about 5 MB: five 1 MB chunks, far below 64 MB
    let now = 0;
    const seen: number[] = [];
    // A clock that moves 3 s per reading: every chunk is "slow".
    await validateFile(file, {
      method: 'supervised',
      model: 'gpt-4o-mini-2024-07-18',
      clock: () => (now += 3000),
      onProgress: (b) => seen.push(b),
    });
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
