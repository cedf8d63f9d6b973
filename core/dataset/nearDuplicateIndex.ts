import type { SpillFile, SpillStore } from './spillStore';

/** Hashes in a MinHash signature (see minhash.ts, which re-exports this). */
export const NUM_HASHES = 128;
const BANDS = 16;
const ROWS = NUM_HASHES / BANDS;
/** A fingerprint record in the records file: the signature, then the example's id. */
const RECORD_WORDS = NUM_HASHES + 1;
const RECORD_BYTES = RECORD_WORDS * 4;
/** Records written per syscall. */
const WRITE_RECORDS = 2048;
/** A run's entries in the runs file: [band key, band << 16 | example within the run], sorted; read by block. */
const BLOCK_ENTRIES = 512;
const BLOOM_BITS_PER_ENTRY = 10;
const BLOOM_PROBES = 4;
const MAX_RUN_EXAMPLES = 1 << 16;

export interface NearDuplicateIndexOptions {
  /** Examples kept in the in-memory segment before it is written out as a run (at most 65,536). */
  runExamples?: number;
}

/** A sorted run in the runs file, and what memory keeps of it: a Bloom filter and each block's first band key. */
interface Run {
  base: number;
  offset: number;
  entries: number;
  firstKeys: Float64Array;
  bloom: Uint32Array;
  bloomBits: number;
}

/**
 * Remembers kept signatures and answers "is this a near-duplicate of one of them, and which?", in memory that
 * barely grows with the number of examples (about 21 bytes per kept example; a million fit in ~21 MB).
 *
 * Fingerprints go to a spill file of fixed-size records, read back by offset only to confirm a candidate.
 * The band keys of the latest examples (a segment of up to `runExamples`) are in a hash table in memory; a full
 * segment is sorted and appended to a second spill file as a run, of which memory keeps only a Bloom filter
 * (10 bits an entry) and the first key of each 4 KB block, so a lookup reads one block of the few runs that may
 * hold the key. Candidates are compared band by band in the order they were added (runs oldest first, then the
 * segment), so the answers are those of a Map-of-lists index over everything in memory. The files come from
 * `spill`: temporary files on disk in production (stores/spill/tempFileSpill.ts), so the memory stays small.
 */
export class NearDuplicateIndex {
  private count = 0;
  private readonly runExamples: number;
  // The segment: examples [segBase, count).
  private segBase = 0;
  /** Per entry (example × BANDS + band): its band key, and the next older entry of the same bucket (-1: none). */
  private keys = new Uint32Array(BANDS * 256);
  private next = new Int32Array(BANDS * 256);
  /** Open addressing: the newest entry of each bucket, -1 for an empty slot. */
  private heads = new Int32Array(1 << 10).fill(-1);
  private buckets = 0;
  private readonly runs: Run[] = [];
  private runBytes = 0;
  // Fingerprint records [written, count) are still in `pending`.
  private written = 0;
  private readonly pending = new Uint32Array(RECORD_WORDS * WRITE_RECORDS);
  private readonly record = new Uint32Array(RECORD_WORDS);
  private block = new Uint32Array(BLOCK_ENTRIES * 2);
  /** Sorting space for a full segment's entries, kept from run to run. */
  private sortBuf: Float64Array | undefined;
  private files: { records: SpillFile; runs: SpillFile } | undefined;
  private closed = false;
  private readonly chain: number[] = [];
  private readonly found: number[] = [];

  constructor(
    private readonly threshold: number,
    private readonly spill: SpillStore,
    options: NearDuplicateIndexOptions = {},
  ) {
    this.runExamples = Math.max(1, Math.min(MAX_RUN_EXAMPLES, options.runExamples ?? MAX_RUN_EXAMPLES));
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held in memory by the index's arrays (its spill files are not counted). */
  memoryBytes(): number {
    let n = this.keys.byteLength + this.next.byteLength + this.heads.byteLength;
    n += this.pending.byteLength + this.record.byteLength + this.block.byteLength + (this.sortBuf?.byteLength ?? 0);
    for (const r of this.runs) n += r.bloom.byteLength + r.firstKeys.byteLength + 64;
    return n;
  }

  /** The id of the most similar kept text at or above the threshold, else undefined. */
  findDuplicate(sig: Uint32Array): { id: number; similarity: number } | undefined {
    let best: { id: number; similarity: number } | undefined;
    const checked = new Set<number>();
    const visit = (idx: number) => {
      if (checked.has(idx)) return;
      checked.add(idx);
      const rec = this.readRecord(idx);
      let same = 0;
      for (let i = 0; i < NUM_HASHES; i++) if (sig[i] === rec[i]) same++;
      const sim = same / NUM_HASHES;
      if (sim >= this.threshold && (!best || sim > best.similarity)) best = { id: rec[NUM_HASHES]!, similarity: sim };
    };
    for (let b = 0; b < BANDS; b++) {
      const key = bandKey(sig, b);
      for (const run of this.runs) {
        if (!mayHave(run, key, b)) continue;
        for (const idx of this.lookup(run, key, b)) visit(idx);
      }
      const chain = this.chain;
      chain.length = 0;
      for (let e = this.heads[this.slotOf(key, b)]!; e !== -1; e = this.next[e]!) chain.push((e - b) / BANDS);
      for (let k = chain.length - 1; k >= 0; k--) visit(this.segBase + chain[k]!);
    }
    return best;
  }

  add(sig: Uint32Array, id: number): void {
    if (this.closed) throw new Error('near-duplicate index used after close()');
    const idx = this.count++;
    const p = (idx - this.written) * RECORD_WORDS;
    this.pending.set(sig.subarray(0, NUM_HASHES), p);
    this.pending[p + NUM_HASHES] = id;
    if (this.count - this.written === WRITE_RECORDS) this.writeRecords();
    const local = idx - this.segBase;
    if ((local + 1) * BANDS > this.keys.length) this.growSegment();
    for (let b = 0; b < BANDS; b++) {
      if ((this.buckets + 1) * 2 > this.heads.length) this.growHeads();
      const e = local * BANDS + b;
      const key = bandKey(sig, b);
      this.keys[e] = key;
      const slot = this.slotOf(key, b);
      const head = this.heads[slot]!;
      if (head === -1) this.buckets++;
      this.next[e] = head;
      this.heads[slot] = e;
    }
    if (this.count - this.segBase === this.runExamples) this.writeRun();
  }

  /** Closes (and so frees) the spill files; the index answers nothing afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.files) {
      try {
        this.files.records.close();
      } finally {
        this.files.runs.close();
        this.files = undefined;
      }
    }
  }

  /** Opens both spill files, the first time one is needed (an index that never fills a write needs none). */
  private open(): { records: SpillFile; runs: SpillFile } {
    if (this.closed) throw new Error('near-duplicate index used after close()');
    if (this.files) return this.files;
    const records = this.spill.open();
    let runs: SpillFile;
    try {
      runs = this.spill.open();
    } catch (err) {
      records.close();
      throw err;
    }
    this.files = { records, runs };
    return this.files;
  }

  private writeRecords(): void {
    const n = this.count - this.written;
    if (n === 0) return;
    this.open().records.write(new Uint8Array(this.pending.buffer, 0, n * RECORD_BYTES), this.written * RECORD_BYTES);
    this.written = this.count;
  }

  private readRecord(idx: number): Uint32Array {
    if (idx >= this.written) {
      const p = (idx - this.written) * RECORD_WORDS;
      return this.pending.subarray(p, p + RECORD_WORDS);
    }
    this.files!.records.read(new Uint8Array(this.record.buffer), idx * RECORD_BYTES);
    return this.record;
  }

  /** Sorts the segment's entries by (band, key, example) and appends them as a run; empties the segment. */
  private writeRun(): void {
    const n = this.count - this.segBase;
    const total = n * BANDS;
    // band (4 bits), key (32), example in the run (16): 52 bits, exact in a double, sorted natively.
    if (this.sortBuf?.length !== total) this.sortBuf = new Float64Array(total);
    const order = this.sortBuf;
    for (let e = 0; e < total; e++) {
      order[e] = ((e % BANDS) * 2 ** 32 + this.keys[e]!) * 2 ** 16 + Math.floor(e / BANDS);
    }
    order.sort();
    // The same bytes, rewritten in place: entry i's 8 bytes are written only after order[i] was read.
    const out = new Uint32Array(order.buffer, 0, total * 2);
    const blocks = Math.ceil(total / BLOCK_ENTRIES);
    const firstKeys = new Float64Array(blocks);
    const bloomBits = Math.max(64, total * BLOOM_BITS_PER_ENTRY);
    const bloom = new Uint32Array(Math.ceil(bloomBits / 32));
    for (let i = 0; i < total; i++) {
      const v = order[i]!;
      const local = v % 2 ** 16;
      const bk = (v - local) / 2 ** 16;
      const band = Math.floor(bk / 2 ** 32);
      const key = bk % 2 ** 32;
      out[2 * i] = key;
      out[2 * i + 1] = (band << 16) | local;
      if (i % BLOCK_ENTRIES === 0) firstKeys[i / BLOCK_ENTRIES] = bk;
      forProbes(key, band, bloomBits, (bit) => {
        bloom[bit >>> 5] = bloom[bit >>> 5]! | (1 << (bit & 31));
      });
    }
    this.open().runs.write(new Uint8Array(out.buffer), this.runBytes);
    this.runs.push({ base: this.segBase, offset: this.runBytes, entries: total, firstKeys, bloom, bloomBits });
    this.runBytes += out.byteLength;
    this.segBase = this.count;
    // The next segment reuses the arrays (they are at full size now): no garbage of tens of megabytes per run.
    this.heads.fill(-1);
    this.buckets = 0;
  }

  /** The examples of `run` whose band `band` has key `key`, in the order they were added. */
  private lookup(run: Run, key: number, band: number): number[] {
    const target = band * 2 ** 32 + key;
    const fk = run.firstKeys;
    // Blocks [from, to) can hold the target: the last block starting below it through those starting at it.
    let lo = 0;
    let hi = fk.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (fk[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    const from = Math.max(0, lo - 1);
    let to = lo;
    while (to < fk.length && fk[to] === target) to++;
    const entries = Math.min(run.entries, to * BLOCK_ENTRIES) - from * BLOCK_ENTRIES;
    if (this.block.length < entries * 2) this.block = new Uint32Array(entries * 2);
    const bytes = new Uint8Array(this.block.buffer, 0, entries * 8);
    this.files!.runs.read(bytes, run.offset + from * BLOCK_ENTRIES * 8);
    const found = this.found;
    found.length = 0;
    for (let i = 0; i < entries; i++) {
      const w = this.block[2 * i + 1]!;
      if (this.block[2 * i] === key && w >>> 16 === band) found.push(run.base + (w & 0xffff));
    }
    return found;
  }

  /** The slot holding bucket (band, key), or the empty slot where it would go. */
  private slotOf(key: number, band: number): number {
    const heads = this.heads;
    const mask = heads.length - 1;
    for (let i = (Math.imul(key ^ Math.imul(band + 1, 0x9e3779b1), 0x85ebca6b) >>> 7) & mask; ; i = (i + 1) & mask) {
      const e = heads[i]!;
      if (e === -1 || (e % BANDS === band && this.keys[e] === key)) return i;
    }
  }

  private growSegment(): void {
    const n = Math.min(this.keys.length * 2, this.runExamples * BANDS);
    const keys = new Uint32Array(n);
    keys.set(this.keys);
    const next = new Int32Array(n);
    next.set(this.next);
    this.keys = keys;
    this.next = next;
  }

  private growHeads(): void {
    const old = this.heads;
    this.heads = new Int32Array(old.length * 2).fill(-1);
    for (let i = 0; i < old.length; i++) {
      const e = old[i]!;
      if (e !== -1) this.heads[this.slotOf(this.keys[e]!, e % BANDS)] = e;
    }
  }
}

function mayHave(run: Run, key: number, band: number): boolean {
  let all = true;
  forProbes(key, band, run.bloomBits, (bit) => {
    if ((run.bloom[bit >>> 5]! & (1 << (bit & 31))) === 0) all = false;
  });
  return all;
}

/** The Bloom filter's bit positions for (band, key): double hashing of two murmur3-finalised mixes. */
function forProbes(key: number, band: number, bits: number, f: (bit: number) => void): void {
  const h1 = fmix(key ^ Math.imul(band + 1, 0x9e3779b1));
  const h2 = fmix(key ^ Math.imul(band + 1, 0x7feb352d) ^ 0x5bd1e995) | 1;
  for (let i = 0; i < BLOOM_PROBES; i++) f(((h1 + Math.imul(i, h2)) >>> 0) % bits);
}

function fmix(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function bandKey(sig: Uint32Array, band: number): number {
  let h = 0x811c9dc5;
  for (let r = band * ROWS; r < (band + 1) * ROWS; r++) h = Math.imul(h ^ sig[r]!, 0x01000193);
  return h >>> 0;
}
