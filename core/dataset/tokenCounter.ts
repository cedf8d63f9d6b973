import cl100k from 'gpt-tokenizer/cjs/encoding/cl100k_base';
import o200k from 'gpt-tokenizer/cjs/encoding/o200k_base';
import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/cjs/encodingParams/constants';
import { bpeCount } from './bpeCount';
import { cl100kPieceEnd, isAscii, o200kPieceEnd } from './asciiPreTokenizer';
import type { EncodingName } from './modelProfile';

/** Counts BPE tokens of plain text, treating special-token text (`<|endoftext|>`) as ordinary characters. */
export interface TokenCounter {
  readonly encoding: EncodingName;
  count(text: string): number;
}

/**
 * Slots in the piece cache (a power of two, 12 bytes each); at half full it is emptied and refilled, so memory stays
 * flat on any file.
 */
const CACHE_SLOTS = 1 << 19;
/** Long pieces (base64 blobs, hex runs) rarely repeat; caching them only costs memory. */
const MAX_CACHED_PIECE_LENGTH = 48;

/**
 * Pieces up to this length are merged by a plain scan (fastest when short); longer ones by `bpeCount`'s heap,
 * which is O(n log n) where the scan is quadratic. Both give the same count.
 */
const SCAN_MAX_PIECE_LENGTH = 64;

interface BpeCore {
  getBpeRankFromString(piece: string): number | undefined;
  getBpeRankFromBytes(bytes: Uint8Array): number | undefined;
  bytePairEncode(piece: string): number[];
  bytePairStringRankEncoder?: Map<string, number>;
}

/**
 * Token count of one ASCII piece by byte-pair merging (tiktoken's algorithm: repeatedly merge the adjacent pair
 * with the lowest rank, leftmost first). For ASCII, bytes are characters and every part is a valid string, so the
 * string→rank map answers each lookup directly; gpt-tokenizer's general path decodes a byte array per lookup,
 * which made first sightings of words the slowest part of validation.
 */
export function asciiBpeCount(piece: string, ranks: Map<string, number>): number {
  const n = piece.length;
  if (ranks.has(piece)) return 1;
  if (n > SCAN_MAX_PIECE_LENGTH) return bpeCount(n, (start, end) => ranks.get(piece.slice(start, end)));
  // starts[k] is where part k begins; pair[k] the rank of parts k and k+1 merged (Infinity when not a token).
  const starts: number[] = [];
  const pair: number[] = [];
  for (let i = 0; i <= n; i++) starts.push(i);
  for (let k = 0; k < n; k++) pair.push(k + 2 <= n ? (ranks.get(piece.slice(k, k + 2)) ?? Infinity) : Infinity);
  while (starts.length > 2) {
    let best = Infinity;
    let at = -1;
    for (let k = 0; k < pair.length; k++) {
      if (pair[k]! < best) {
        best = pair[k]!;
        at = k;
      }
    }
    if (at === -1) break;
    starts.splice(at + 1, 1);
    pair.splice(at, 1);
    pair[at] = at + 2 < starts.length ? (ranks.get(piece.slice(starts[at]!, starts[at + 2]!)) ?? Infinity) : Infinity;
    if (at > 0) pair[at - 1] = ranks.get(piece.slice(starts[at - 1]!, starts[at + 1]!)) ?? Infinity;
  }
  return starts.length - 1;
}

type PieceEnd = (s: string, i: number, n: number) => number;

/**
 * Why not just `countTokens(text)`: on real text most time goes into BPE-merging the same words again and again,
 * then into the split regex and the substring it allocates per piece. We split with the encoding's own
 * pre-tokenizer (a hand-written scanner for ASCII text, proven equal to the regex by tests; the regex itself
 * otherwise) and memoise tokens per piece, looked up by position in the text so a cache hit allocates nothing.
 * BPE never merges across pieces, so per-piece counts add up exactly.
 *
 * The cache is one flat Int32Array of [hash1, hash2, length<<8 | tokens] slots: a lookup touches one cache line
 * instead of a key string, which made lookups (cache misses, not arithmetic) the bottleneck. Pieces are identified
 * by two independent 32-bit hashes plus their length; a false match needs a 64-bit collision between two
 * same-length pieces, which no dataset will produce in practice (the benchmark checks every figure against tiktoken).
 * Pieces are encoded with gpt-tokenizer's BPE core directly: re-splitting an isolated piece could split whitespace
 * differently from how it split in context.
 */
class CachedPieceCounter implements TokenCounter {
  private slots = new Int32Array(CACHE_SLOTS * 3);
  private used = 0;
  private readonly split: RegExp;
  private readonly countPiece: (piece: string) => number;

  constructor(
    readonly encoding: EncodingName,
    api: typeof o200k,
    splitRegex: RegExp,
    private readonly asciiPieceEnd: PieceEnd,
  ) {
    // A private copy: a shared global regex's lastIndex would be clobbered by other users.
    this.split = new RegExp(splitRegex.source, splitRegex.flags);
    const core = (api as unknown as { bytePairEncodingCoreProcessor?: Partial<BpeCore> }).bytePairEncodingCoreProcessor;
    const usable = (f: unknown) => typeof f === 'function';
    if (core && usable(core.getBpeRankFromString) && usable(core.getBpeRankFromBytes) && usable(core.bytePairEncode)) {
      const c = core as BpeCore;
      const ranks = c.bytePairStringRankEncoder instanceof Map ? c.bytePairStringRankEncoder : undefined;
      const encoder = new TextEncoder();
      this.countPiece = (piece) => {
        if (c.getBpeRankFromString(piece) !== undefined) return 1;
        if (ranks && isAscii(piece)) return asciiBpeCount(piece, ranks);
        if (piece.length <= SCAN_MAX_PIECE_LENGTH) return c.bytePairEncode(piece).length;
        const bytes = encoder.encode(piece);
        return bpeCount(bytes.length, (start, end) => c.getBpeRankFromBytes(bytes.subarray(start, end)));
      };
    } else {
      // gpt-tokenizer changed its internals: fall back to the public API (exact for all but exotic whitespace runs).
      const noSpecial = { disallowedSpecial: new Set<string>() };
      this.countPiece = (piece) => api.countTokens(piece, noSpecial);
    }
  }

  count(text: string): number {
    const n = text.length;
    if (n === 0) return 0;
    let total = 0;
    if (isAscii(text)) {
      const end = this.asciiPieceEnd;
      for (let i = 0; i < n;) {
        const e = end(text, i, n);
        total += this.lookup(text, i, e);
        i = e;
      }
      return total;
    }
    const re = this.split;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) total += this.lookup(text, m.index, m.index + m[0].length);
    return total;
  }

  /** Tokens of text[start, end): from the cache when this piece was seen, else BPE-encoded and remembered. */
  private lookup(text: string, start: number, end: number): number {
    const len = end - start;
    if (len > MAX_CACHED_PIECE_LENGTH) return this.countPiece(text.slice(start, end));
    let a = 0x811c9dc5 | 0;
    let b = len | 0;
    for (let k = start; k < end; k++) {
      const c = text.charCodeAt(k);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b + c, 0x9e3779b1) ^ (b >>> 13);
    }
    const slots = this.slots;
    const mask = CACHE_SLOTS - 1;
    let idx = (a ^ (a >>> 15)) & mask;
    for (;;) {
      const o = idx * 3;
      const meta = slots[o + 2]!;
      if (meta === 0) break;
      if (slots[o] === a && slots[o + 1] === b && meta >>> 8 === len) return meta & 0xff;
      idx = (idx + 1) & mask;
    }
    const count = this.countPiece(text.slice(start, end));
    if (this.used * 2 >= CACHE_SLOTS) {
      this.slots.fill(0);
      this.used = 0;
      idx = (a ^ (a >>> 15)) & mask;
    }
    const o = idx * 3;
    slots[o] = a;
    slots[o + 1] = b;
    slots[o + 2] = (len << 8) | count;
    this.used++;
    return count;
  }
}

const counters = new Map<EncodingName, TokenCounter>();

/** One counter per encoding per process (the rank tables are large; the piece cache is worth sharing). */
export function tokenCounter(encoding: EncodingName): TokenCounter {
  let c = counters.get(encoding);
  if (!c) {
    c =
      encoding === 'cl100k_base'
        ? new CachedPieceCounter(encoding, cl100k, CL100K_TOKEN_SPLIT_REGEX, cl100kPieceEnd)
        : new CachedPieceCounter(encoding, o200k, O200K_TOKEN_SPLIT_REGEX, o200kPieceEnd);
    counters.set(encoding, c);
  }
  return c;
}
