/**
 * Two independent 32-bit string hashes (FNV-1a and a multiply-rotate hash) in one pass: together 64 bits, enough
 * that a false "duplicate" among a million lines is vanishingly unlikely (~3e-8), and far cheaper per line than
 * a crypto digest, whose setup cost dominated on short lines.
 */
export function hash64(text: string): [number, number] {
  let a = 0x811c9dc5 | 0;
  let b = 0x27d4eb2f | 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul((b << 5) | (b >>> 27), 0x9e3779b1) ^ c;
  }
  b = Math.imul(b ^ (b >>> 15), 0x85ebca6b);
  return [a >>> 0, (b ^ (b >>> 13)) >>> 0];
}

/**
 * Remembers which line first carried each 64-bit content hash, in flat typed arrays (12 bytes a slot) rather than a
 * `Set<string>` (well over 100 bytes an entry): a million examples cost ~24 MB instead of hundreds. A 64-bit hash
 * (see hash64) makes a false "duplicate" vanishingly unlikely.
 */
export class LineHashSet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private lines: Uint32Array; // 0 = empty slot; line numbers start at 1
  private used = 0;

  constructor(initialCapacity = 1 << 14) {
    let cap = 1;
    while (cap < initialCapacity) cap <<= 1;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.lines = new Uint32Array(cap);
  }

  get size(): number {
    return this.used;
  }

  /** Returns the line that first had this content, or 0 after recording `line` as its first occurrence. */
  firstLineOf(text: string, line: number): number {
    const [h, l] = hash64(text);
    return this.firstLineOfHash(h, l, line);
  }

  /** The line recorded for this hash, or 0 (nothing recorded); records nothing. */
  lineOfHash(h: number, l: number): number {
    const mask = this.lines.length - 1;
    let i = (l ^ Math.imul(h, 0x9e3779b1)) & mask;
    for (;;) {
      const at = this.lines[i]!;
      if (at === 0) return 0;
      if (this.hi[i] === h && this.lo[i] === l) return at;
      i = (i + 1) & mask;
    }
  }

  firstLineOfHash(h: number, l: number, line: number): number {
    if ((this.used + 1) * 2 > this.lines.length) this.grow();
    const mask = this.lines.length - 1;
    let i = (l ^ Math.imul(h, 0x9e3779b1)) & mask;
    for (;;) {
      const at = this.lines[i]!;
      if (at === 0) {
        this.hi[i] = h;
        this.lo[i] = l;
        this.lines[i] = line;
        this.used++;
        return 0;
      }
      if (this.hi[i] === h && this.lo[i] === l) return at;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const { hi, lo, lines } = this;
    const cap = lines.length * 2;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.lines = new Uint32Array(cap);
    this.used = 0;
    for (let i = 0; i < lines.length; i++) if (lines[i] !== 0) this.firstLineOfHash(hi[i]!, lo[i]!, lines[i]!);
  }
}
