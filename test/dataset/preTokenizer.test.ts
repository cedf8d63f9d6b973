import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/cjs/encodingParams/constants';
import { cl100kPieceEnd, o200kPieceEnd } from '../../core/dataset/asciiPreTokenizer';

function regexPieces(re: RegExp, s: string): string[] {
  return [...s.matchAll(new RegExp(re.source, re.flags))].map((m) => m[0]);
}

function scannerPieces(end: (s: string, i: number, n: number) => number, s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length;) {
    const e = end(s, i, s.length);
    out.push(s.slice(i, e));
    i = e;
  }
  return out;
}

/** Strings built from the characters the patterns treat specially, so every alternative and boundary is hit. */
function randomAscii(seed: number, len: number): string {
  const alphabet = [
    'a',
    'b',
    'Z',
    'Q',
    'x',
    'I',
    '0',
    '7',
    '123',
    ' ',
    ' ',
    '  ',
    '\t',
    '\n',
    '\r',
    '\r\n',
    '\v',
    '\f',
    "'",
    "'s",
    "'S",
    "'ll",
    "'RE",
    "'ve",
    "'d",
    "'m",
    "'t",
    '/',
    '$',
    ',',
    '.',
    '!',
    '-',
    '_',
    '"',
    '\u0001',
    '~',
    'Hello',
    'WORLD',
    'camelCase',
    "don't",
    "I'LL",
  ];
  let x = seed;
  let s = '';
  for (let i = 0; i < len; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += alphabet[(x >>> 8) % alphabet.length];
  }
  return s;
}

const CASES = [
  '',
  ' ',
  'a',
  "I'm here",
  "THEY'LL go",
  'hello   world\n\n  x',
  ' \n \n\t a',
  '$$hello',
  ' $hello',
  'a  b',
  'x\n',
  'x \n ',
  'end   ',
  "it's'S",
  '12345 6',
  'ab/cd//\n\n',
  ' /x',
  "''s",
];

describe.each([
  ['o200k_base', O200K_TOKEN_SPLIT_REGEX, o200kPieceEnd],
  ['cl100k_base', CL100K_TOKEN_SPLIT_REGEX, cl100kPieceEnd],
] as const)('the ASCII pre-tokenizer for %s splits exactly as the regex does', (_name, re, end) => {
  test('hand-picked edge cases', () => {
    for (const s of CASES) expect([s, scannerPieces(end, s)]).toEqual([s, regexPieces(re, s)]);
  });
  test('5,000 random strings over the special characters', () => {
    for (let seed = 1; seed <= 5000; seed++) {
      const s = randomAscii(seed, 1 + (seed % 40));
      expect([s, scannerPieces(end, s)]).toEqual([s, regexPieces(re, s)]);
    }
  });
  test('every ASCII character alone, and after a space, a letter and a newline', () => {
    for (let c = 0; c < 128; c++) {
      const ch = String.fromCharCode(c);
      for (const s of [ch, ` ${ch}`, `a${ch}`, `\n${ch}`, `${ch}a`, `${ch}${ch} ${ch}`])
        expect([s, scannerPieces(end, s)]).toEqual([s, regexPieces(re, s)]);
    }
  });
});
