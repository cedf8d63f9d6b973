import { isUtf8 } from 'node:buffer';

/** One line of a JSONL source, numbered from 1 as editors do. */
export type RawLine =
  | { kind: 'text'; line: number; text: string; bytes: number }
  | { kind: 'invalid_utf8'; line: number; bytes: number; badByteOffset: number }
  | { kind: 'too_long'; line: number; bytes: number };

export interface LineStats {
  lines: number;
  bytes: number;
  /** The file started with a UTF-8 byte-order mark (stripped from line 1). */
  bom: boolean;
  /** Lines after the first that started with a byte-order mark (stripped only when `bomOnEveryLine`). */
  bomLines?: number;
  crlfLines: number;
  firstCrlfLine?: number;
}

const NL = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines without ever holding more than one line (capped at `maxLineBytes`): a 50 MB line
 * is counted and skipped, not buffered, so memory stays flat whatever the file. Works on bytes rather than a
 * decoded string stream so that invalid UTF-8 is reported per line instead of silently becoming U+FFFD.
 */
export class LineSplitter {
  readonly stats: LineStats = { lines: 0, bytes: 0, bom: false, crlfLines: 0 };
  private parts: Buffer[] = [];
  private partBytes = 0;
  private tooLong = false;

  constructor(
    private readonly onLine: (line: RawLine) => void,
    private readonly maxLineBytes = 32 * 1024 * 1024,
    /**
     * Strip a byte-order mark from every line, not only the first: files concatenated from many UTF-8-with-BOM
     * files carry one per line. Data prep sets it; validation does not (the provider would refuse such lines).
     */
    private readonly bomOnEveryLine = false,
  ) {}

  push(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.stats.bytes += buf.length;
    let pos = 0;
    while (pos < buf.length) {
      const nl = buf.indexOf(NL, pos);
      if (nl === -1) {
        this.keep(buf.subarray(pos));
        return;
      }
      if (this.parts.length === 0 && !this.tooLong) this.emit(buf.subarray(pos, nl), nl - pos);
      else {
        this.keep(buf.subarray(pos, nl));
        this.flushParts();
      }
      pos = nl + 1;
    }
  }

  /** Call once at the end of input: a last line without a newline is still a line. */
  end(): void {
    if (this.parts.length > 0 || this.tooLong) this.flushParts();
  }

  private keep(part: Buffer): void {
    if (this.tooLong) {
      this.partBytes += part.length;
      return;
    }
    this.partBytes += part.length;
    if (this.partBytes > this.maxLineBytes) {
      this.tooLong = true;
      this.parts = [];
      return;
    }
    // Copy: the stream may reuse its chunk buffers.
    this.parts.push(Buffer.from(part));
  }

  private flushParts(): void {
    const bytes = this.partBytes;
    if (this.tooLong) {
      this.stats.lines++;
      this.onLine({ kind: 'too_long', line: this.stats.lines, bytes });
    } else {
      this.emit(this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, bytes), bytes);
    }
    this.parts = [];
    this.partBytes = 0;
    this.tooLong = false;
  }

  private emit(raw: Buffer, bytes: number): void {
    const line = ++this.stats.lines;
    let b = raw;
    if (b.length > 0 && b[b.length - 1] === CR) {
      b = b.subarray(0, b.length - 1);
      this.stats.crlfLines++;
      this.stats.firstCrlfLine ??= line;
    }
    if ((line === 1 || this.bomOnEveryLine) && b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
      b = b.subarray(3);
      if (line === 1) this.stats.bom = true;
      else this.stats.bomLines = (this.stats.bomLines ?? 0) + 1;
    }
    if (bytes > this.maxLineBytes) {
      this.onLine({ kind: 'too_long', line, bytes });
      return;
    }
    if (!isUtf8(b)) {
      this.onLine({ kind: 'invalid_utf8', line, bytes, badByteOffset: firstInvalidUtf8Offset(b) });
      return;
    }
    this.onLine({ kind: 'text', line, text: b.toString('utf8'), bytes });
  }
}

/** Where decoding first fails, so the report can point at a byte, not just a line (only called on bad lines). */
export function firstInvalidUtf8Offset(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0; // overlong
      if (c === 0xed) hi = 0x9f; // UTF-16 surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90; // overlong
      if (c === 0xf4) hi = 0x8f; // beyond U+10FFFF
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined) return i;
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i;
    }
    i += n + 1;
  }
  return -1;
}
