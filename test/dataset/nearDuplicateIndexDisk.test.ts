import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { estimatedJaccard, minhashSignature, NUM_HASHES } from '../../core/dataset/minhash';
import { NearDuplicateIndex } from '../../core/dataset/nearDuplicateIndex';
import { memorySpill } from '../../stores/spill/memorySpill';
import { tempFileSpill } from '../../stores/spill/tempFileSpill';

/** Everything in memory (a signature object per example, 16 Maps of arrays): the reference for answers. */
class MapIndex {
  private readonly signatures: Uint32Array[] = [];
  private readonly ids: number[] = [];
  private readonly buckets: Map<string, number[]>[] = Array.from({ length: 16 }, () => new Map());
  constructor(private readonly threshold: number) {}
  private key(sig: Uint32Array, b: number): string {
    return Array.from(sig.subarray(b * 8, b * 8 + 8)).join(',');
  }
  findDuplicate(sig: Uint32Array): { id: number; similarity: number } | undefined {
    let best: { id: number; similarity: number } | undefined;
    const checked = new Set<number>();
    for (let b = 0; b < 16; b++) {
      for (const idx of this.buckets[b]!.get(this.key(sig, b)) ?? []) {
        if (checked.has(idx)) continue;
        checked.add(idx);
        const sim = estimatedJaccard(sig, this.signatures[idx]!);
        if (sim >= this.threshold && (!best || sim > best.similarity)) best = { id: this.ids[idx]!, similarity: sim };
      }
    }
    return best;
  }
  add(sig: Uint32Array, id: number): void {
    const idx = this.signatures.length;
    this.signatures.push(sig);
    this.ids.push(id);
    for (let b = 0; b < 16; b++) {
      const k = this.key(sig, b);
      const list = this.buckets[b]!.get(k);
      if (list) list.push(idx);
      else this.buckets[b]!.set(k, [idx]);
    }
  }
}

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x / 2 ** 32;
  };
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'near-dup-test-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('with fingerprints and sorted runs on disk, answers are exactly those of the all-in-memory index', () => {
  const rand = rng(7);
  const vocab = Array.from({ length: 300 }, (_, i) => `w${i}`);
  const word = () => vocab[Math.floor(rand() * vocab.length)]!;
  const bases = Array.from({ length: 60 }, () => Array.from({ length: 40 }, word));
  for (const threshold of [0.5, 0.9]) {
    // Runs of 37 examples: dozens of runs, most buckets spread over several of them and over the segment.
    const disk = new NearDuplicateIndex(threshold, tempFileSpill(dir), { runExamples: 37 });
    const reference = new MapIndex(threshold);
    let dups = 0;
    for (let line = 1; line <= 3000; line++) {
      const words = [...bases[Math.floor(rand() * bases.length)]!];
      const edits = Math.floor(rand() * 14);
      for (let k = 0; k < edits; k++) words[Math.floor(rand() * words.length)] = word();
      const sig = minhashSignature(words.join(' '));
      const got = disk.findDuplicate(sig);
      expect([line, got]).toEqual([line, reference.findDuplicate(sig)]);
      if (got) dups++;
      else {
        disk.add(sig, line);
        reference.add(sig, line);
      }
    }
    expect(dups).toBeGreaterThan(100);
    expect(disk.size).toBeGreaterThan(100);
    disk.close();
  }
  // The temporary files were unlinked as soon as they were opened: nothing is left behind.
  expect(fs.readdirSync(dir)).toEqual([]);
});

test('memory grows by under 24 bytes per kept example (fingerprints stay on disk)', () => {
  const rand = rng(11);
  const index = new NearDuplicateIndex(0.8, tempFileSpill(dir));
  const sig = new Uint32Array(NUM_HASHES);
  const fill = () => {
    for (let i = 0; i < NUM_HASHES; i++) sig[i] = Math.floor(rand() * 2 ** 32);
  };
  const addUpTo = (n: number) => {
    while (index.size < n) {
      fill();
      // Every 16th is looked up first (the bench measures lookups' speed; this measures memory).
      if (index.size % 16 === 0 && index.findDuplicate(sig) !== undefined) throw new Error('unexpected duplicate');
      index.add(sig, index.size + 1);
    }
  };
  // Past the first full run (65,536 examples), so the segment has reached its largest size.
  addUpTo(70_000);
  const before = index.memoryBytes();
  const buffersBefore = process.memoryUsage().arrayBuffers;
  addUpTo(270_000);
  const perExample = (index.memoryBytes() - before) / 200_000;
  // The old index kept ~800 bytes per example in memory (512 of them the fingerprint).
  expect(perExample).toBeLessThan(24);
  expect(index.memoryBytes()).toBeLessThan(40 * 2 ** 20);
  // What the process holds in array buffers agrees (generously: garbage may not be collected yet).
  expect((process.memoryUsage().arrayBuffers - buffersBefore) / 200_000).toBeLessThan(200);
  // A kept fingerprint read back from disk is still found.
  const again = new Uint32Array(sig);
  expect(index.findDuplicate(again)).toEqual({ id: 270_000, similarity: 1 });
  index.close();
  expect(() => index.add(sig, 1)).toThrow(/after close/);
});

test.each([
  ['temporary files', () => tempFileSpill(dir)],
  ['memory', () => memorySpill()],
])('spill files in %s read back what was written at each position, and refuse reads past the end', (_, store) => {
  const spill = store();
  const a = spill.open();
  const b = spill.open();
  // Nothing has a name on disk, even while the files are open.
  expect(fs.readdirSync(dir)).toEqual([]);
  const bytes = (n: number, from: number) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);
  a.write(bytes(10_000, 0), 5000);
  a.write(bytes(5000, 7), 0);
  b.write(bytes(3, 1), 0);
  const got = new Uint8Array(6000);
  a.read(got, 4000);
  expect(got.subarray(0, 1000)).toEqual(bytes(5000, 7).subarray(4000));
  expect(got.subarray(1000)).toEqual(bytes(5000, 0));
  const small = new Uint8Array(3);
  b.read(small, 0);
  expect(small).toEqual(bytes(3, 1));
  expect(() => b.read(new Uint8Array(4), 0)).toThrow(/file ended at byte 3/);
  a.close();
  b.close();
  expect(fs.readdirSync(dir)).toEqual([]);
});
