import { estimatedJaccard, minhashSignature, NUM_HASHES, NearDuplicateIndex } from '../../core/dataset/minhash';
import { memorySpill } from '../../stores/spill/memorySpill';

/** The index as it was (a signature object per example, 16 Maps of arrays): the reference for answers. */
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

test('the compact near-duplicate index answers exactly as the Map-of-lists one did', () => {
  expect(NUM_HASHES).toBe(128);
  const rand = rng(42);
  const vocab = Array.from({ length: 300 }, (_, i) => `w${i}`);
  const word = () => vocab[Math.floor(rand() * vocab.length)]!;
  const bases = Array.from({ length: 60 }, () => Array.from({ length: 40 }, word));
  for (const threshold of [0.5, 0.9]) {
    const compact = new NearDuplicateIndex(threshold, memorySpill(), { runExamples: 97 });
    const reference = new MapIndex(threshold);
    let dups = 0;
    // 1,500 texts, most a few word edits away from one of 60 bases: many buckets shared, many near-duplicates.
    for (let line = 1; line <= 1500; line++) {
      const words = [...bases[Math.floor(rand() * bases.length)]!];
      const edits = Math.floor(rand() * 12);
      for (let k = 0; k < edits; k++) words[Math.floor(rand() * words.length)] = word();
      const sig = minhashSignature(words.join(' '));
      const got = compact.findDuplicate(sig);
      expect([line, got]).toEqual([line, reference.findDuplicate(sig)]);
      if (got) dups++;
      else {
        compact.add(sig, line);
        reference.add(sig, line);
      }
    }
    expect(dups).toBeGreaterThan(50);
    expect(dups).toBeLessThan(1490);
  }
});
