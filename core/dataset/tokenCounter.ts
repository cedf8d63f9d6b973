import cl100k from 'gpt-tokenizer/cjs/encoding/cl100k_base';
import o200k from 'gpt-tokenizer/cjs/encoding/o200k_base';
import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/cjs/encodingParams/constants';
import type { EncodingName } from './modelProfile';

/** Counts BPE tokens of plain text, treating special-token text (`<|endoftext|>`) as ordinary characters. */
export interface TokenCounter {
  readonly encoding: EncodingName;
  count(text: string): number;
}

/** Above this many distinct cached pieces the cache is dropped and refilled, so memory stays flat on any file. */
const MAX_CACHED_PIECES = 200_000;
/** Long pieces (base64 blobs, long numbers-free words) rarely repeat; caching them only costs memory. */
const MAX_CACHED_PIECE_LENGTH = 48;

interface BpeCore {
  getBpeRankFromString(piece: string): number | undefined;
  bytePairEncode(piece: string): number[];
}

/**
 * Why not just `countTokens(text)`: on real text most time goes into BPE-merging the same words again and again.
 * We split with the encoding's own pre-tokenizer regex (the same split tiktoken does) and memoise tokens per piece,
 * which is exact (BPE never merges across pieces) and several times faster on Zipf-distributed vocabulary.
 * Pieces are encoded with gpt-tokenizer's BPE core directly: re-running the split regex on an isolated piece could
 * split whitespace differently from how it split in context.
 */
class CachedPieceCounter implements TokenCounter {
  private readonly cache = new Map<string, number>();
  private readonly split: RegExp;
  private readonly countPiece: (piece: string) => number;

  constructor(
    readonly encoding: EncodingName,
    api: typeof o200k,
    splitRegex: RegExp,
  ) {
    // A private copy: a shared global regex's lastIndex would be clobbered by other users.
    this.split = new RegExp(splitRegex.source, splitRegex.flags);
    const core = (api as unknown as { bytePairEncodingCoreProcessor?: Partial<BpeCore> }).bytePairEncodingCoreProcessor;
    if (core && typeof core.getBpeRankFromString === 'function' && typeof core.bytePairEncode === 'function') {
      const c = core as BpeCore;
      this.countPiece = (piece) => (c.getBpeRankFromString(piece) !== undefined ? 1 : c.bytePairEncode(piece).length);
    } else {
      // gpt-tokenizer changed its internals: fall back to the public API (exact for all but exotic whitespace runs).
      const noSpecial = { disallowedSpecial: new Set<string>() };
      this.countPiece = (piece) => api.countTokens(piece, noSpecial);
    }
  }

  count(text: string): number {
    if (text.length === 0) return 0;
    const re = this.split;
    re.lastIndex = 0;
    let total = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      const piece = m[0];
      if (piece.length > MAX_CACHED_PIECE_LENGTH) {
        total += this.countPiece(piece);
        continue;
      }
      let n = this.cache.get(piece);
      if (n === undefined) {
        n = this.countPiece(piece);
        if (this.cache.size >= MAX_CACHED_PIECES) this.cache.clear();
        this.cache.set(piece, n);
      }
      total += n;
    }
    return total;
  }
}

const counters = new Map<EncodingName, TokenCounter>();

/** One counter per encoding per process (the rank tables are large; the piece cache is worth sharing). */
export function tokenCounter(encoding: EncodingName): TokenCounter {
  let c = counters.get(encoding);
  if (!c) {
    c =
      encoding === 'cl100k_base'
        ? new CachedPieceCounter(encoding, cl100k, CL100K_TOKEN_SPLIT_REGEX)
        : new CachedPieceCounter(encoding, o200k, O200K_TOKEN_SPLIT_REGEX);
    counters.set(encoding, c);
  }
  return c;
}
