/**
 * Hand-written equivalents of the o200k_base and cl100k_base pre-tokenizer regexes, for pure-ASCII text.
 *
 * Why: on ASCII text (most training data) the regex engine and the substring it allocates for every piece cost
 * more than the cached BPE itself. These scanners return where the piece starting at `i` ends, without
 * allocating, so the token counter can look pieces up by position. Each function mirrors its regex alternative by
 * alternative (comments quote them); test/dataset/preTokenizer.test.ts checks them against the real regexes on
 * random and adversarial strings. Non-ASCII text never reaches them (the counter falls back to the regex).
 */

const UPPER = 1;
const LOWER = 2;
const DIGIT = 3;
const NEWLINE = 4; // \r \n
const SPACE = 5; // ' ' \t \v \f: \s but not \r\n
const OTHER = 6; // punctuation, symbols, other control characters

const CLASS = (() => {
  const t = new Uint8Array(128).fill(OTHER);
  for (let c = 65; c <= 90; c++) t[c] = UPPER;
  for (let c = 97; c <= 122; c++) t[c] = LOWER;
  for (let c = 48; c <= 57; c++) t[c] = DIGIT;
  t[10] = NEWLINE;
  t[13] = NEWLINE;
  for (const c of [32, 9, 11, 12]) t[c] = SPACE;
  return t;
})();

const APOS = 39;
const SLASH = 47;
const SPACE_CHAR = 32;

/** Length of the contraction (`'s 't 're 've 'm 'll 'd`, any case) at `i`, or 0. */
function contraction(s: string, i: number, n: number): number {
  if (i >= n || s.charCodeAt(i) !== APOS || i + 1 >= n) return 0;
  const a = s.charCodeAt(i + 1) | 0x20; // ASCII lower-case
  if (a === 115 || a === 116 || a === 109 || a === 100) return 2; // s t m d
  if (i + 2 >= n) return 0;
  const b = s.charCodeAt(i + 2) | 0x20;
  if ((a === 114 && b === 101) || (a === 118 && b === 101) || (a === 108 && b === 108)) return 3; // re ve ll
  return 0;
}

const cls = (s: string, i: number): number => CLASS[s.charCodeAt(i)]!;
const isSpace = (k: number) => k === SPACE || k === NEWLINE;

/** End of the maximal run of \s characters starting at i. */
function spaceRunEnd(s: string, i: number, n: number): number {
  let j = i;
  while (j < n && isSpace(cls(s, j))) j++;
  return j;
}

/** End of the piece starting at `i` under o200k_base's pattern. */
export function o200kPieceEnd(s: string, i: number, n: number): number {
  const c = cls(s, i);
  // [^\r\n\p{L}\p{N}]?[\p{Lu}...]*[\p{Ll}...]+(?i:'s|...)?  |  [^\r\n\p{L}\p{N}]?[\p{Lu}...]+[\p{Ll}...]*(?i:'s|...)?
  // In ASCII both reduce to: optional non-letter/digit/newline prefix, an upper-case run, a lower-case run, and a
  // contraction; at least one letter is required.
  let j = i;
  if (c === SPACE || c === OTHER) j = i + 1;
  if (c === UPPER || c === LOWER || (j < n && j > i && (cls(s, j) === UPPER || cls(s, j) === LOWER))) {
    while (j < n && cls(s, j) === UPPER) j++;
    while (j < n && cls(s, j) === LOWER) j++;
    return j + contraction(s, j, n);
  }
  // \p{N}{1,3}
  if (c === DIGIT) {
    let k = i + 1;
    while (k < n && k < i + 3 && cls(s, k) === DIGIT) k++;
    return k;
  }
  //  ?[^\s\p{L}\p{N}]+[\r\n/]*
  {
    let k = i;
    if (s.charCodeAt(k) === SPACE_CHAR && k + 1 < n && cls(s, k + 1) === OTHER) k++;
    if (cls(s, k) === OTHER) {
      while (k < n && cls(s, k) === OTHER) k++;
      while (k < n && (cls(s, k) === NEWLINE || s.charCodeAt(k) === SLASH)) k++;
      return k;
    }
  }
  // c is whitespace here.
  const run = spaceRunEnd(s, i, n);
  // \s*[\r\n]+ : through the last newline of the run, if it has one
  for (let k = run - 1; k >= i; k--) if (cls(s, k) === NEWLINE) return k + 1;
  // \s+(?!\S) : the run up to the end, or all but its last character when something follows it
  if (run === n) return run;
  if (run - i >= 2) return run - 1;
  // \s+
  return run;
}

/** End of the piece starting at `i` under cl100k_base's pattern. */
export function cl100kPieceEnd(s: string, i: number, n: number): number {
  const c = cls(s, i);
  // '(?:[sS]|[dD]|[mM]|[tT]|[lL][lL]|[vV][eE]|[rR][eE])
  if (c === OTHER) {
    const k = contraction(s, i, n);
    if (k > 0) return i + k;
  }
  // [^\r\n\p{L}\p{N}]?\p{L}+
  let j = i;
  if (c === SPACE || c === OTHER) j = i + 1;
  if (c === UPPER || c === LOWER || (j < n && j > i && (cls(s, j) === UPPER || cls(s, j) === LOWER))) {
    while (j < n && (cls(s, j) === UPPER || cls(s, j) === LOWER)) j++;
    return j;
  }
  // \p{N}{1,3}
  if (c === DIGIT) {
    let k = i + 1;
    while (k < n && k < i + 3 && cls(s, k) === DIGIT) k++;
    return k;
  }
  //  ?[^\s\p{L}\p{N}]+[\r\n]*
  {
    let k = i;
    if (s.charCodeAt(k) === SPACE_CHAR && k + 1 < n && cls(s, k + 1) === OTHER) k++;
    if (cls(s, k) === OTHER) {
      while (k < n && cls(s, k) === OTHER) k++;
      while (k < n && cls(s, k) === NEWLINE) k++;
      return k;
    }
  }
  const run = spaceRunEnd(s, i, n);
  // \s+$
  if (run === n) return run;
  // \s*[\r\n]
  for (let k = run - 1; k >= i; k--) if (cls(s, k) === NEWLINE) return k + 1;
  // \s+(?!\S)
  if (run - i >= 2) return run - 1;
  // \s
  return i + 1;
}

const NON_ASCII = /[^\x00-\x7f]/;

export function isAscii(s: string): boolean {
  return !NON_ASCII.test(s);
}
