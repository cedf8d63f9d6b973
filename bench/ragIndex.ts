/**
 * The RAG index on 100,000 chunks, each figure next to an anchor measured in the same run:
 *
 * - indexing throughput (chunks/s) of the LanceDB store (batched upserts, as buildIndex writes, then the IVF_FLAT
 *   build), against writing the same ids and vectors to one flat binary file (the cost of merely persisting them);
 * - query latency p50/p99 of exact (brute force in LanceDB) and approximate (IVF_FLAT) top-10 search, against
 *   brute-force cosine over plain JS arrays in this process;
 * - recall@10 of approximate search against exact search.
 *
 * Embeddings come from the local backend's deterministic embedder (hashed n-grams,
 * providers/local/learners/embeddings.ts) called in-process, not over HTTP, so the figures isolate the index; their
 * time is printed separately. Vectors have 256 dimensions (not the 1,536 of text-embedding-3-small) to keep 100,000
 * of them at 100 MB on a small machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LanceVectorStore } from '../stores/rag/lanceStore';
import { embed } from '../providers/local/learners/embeddings';
import { cosineTopK } from '../core/rag/cosineTopK';
import { chunkId } from '../core/rag/chunk';
import { percentile } from './stats';

const N = Number(process.env.TAILOR_BENCH_RAG_CHUNKS ?? 100_000);
const DIMS = 256;
const QUERIES = 100;
const K = 10;
const BATCH = 10_000;

const WORDS = (
  'refund warranty shipping invoice thermostat battery firmware schedule heating boiler sensor display relay ' +
  'adapter installer carrier pallet subscription history report privacy export security patch bounty credit ' +
  'trade repair loan'
).split(' ');

/** A chunk-like text: a few topic words and numbers, so neighbours share words and search has structure to find. */
function chunkText(i: number): string {
  const w = (j: number) => WORDS[(i * 7 + j * 13 + (i >> (j + 3))) % WORDS.length]!;
  return (
    `Section ${i % 500}: the ${w(0)} ${w(1)} policy for item ${i % 997} allows ${i % 90} days; contact team ` +
    `${w(2)} about the ${w(3)} ${w(4)}.`
  );
}

function fmt(n: number, digits = 1): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export async function benchRagIndex(): Promise<{ name: string; lines: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-rag-'));
  try {
    let t0 = performance.now();
    const texts = Array.from({ length: N }, (_, i) => chunkText(i));
    const vectors = texts.map((t) => embed(t, DIMS));
    const embedMs = performance.now() - t0;
    const ids = texts.map((t, i) => chunkId(`doc-${i % 1000}.md`, t));

    // Anchor: the same ids and vectors written to one flat file.
    t0 = performance.now();
    const flat = Buffer.alloc(N * DIMS * 4);
    vectors.forEach((v, i) => flat.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), i * DIMS * 4));
    fs.writeFileSync(path.join(dir, 'flat.f32'), flat);
    fs.writeFileSync(path.join(dir, 'flat.ids'), ids.join('\n'));
    const flatMs = performance.now() - t0;

    const store = await LanceVectorStore.open(path.join(dir, 'lance'));
    t0 = performance.now();
    for (let s = 0; s < N; s += BATCH) {
      await store.upsert(
        ids.slice(s, s + BATCH).map((id, j) => ({
          id,
          source: `doc-${(s + j) % 1000}.md`,
          heading: '',
          text: texts[s + j]!,
          vector: vectors[s + j]!,
        })),
      );
    }
    const upsertMs = performance.now() - t0;
    t0 = performance.now();
    await store.ensureAnnIndex(0);
    const annMs = performance.now() - t0;
    if ((await store.count()) !== N) throw new Error(`store holds ${await store.count()} rows, expected ${N}`);

    const queries = Array.from({ length: QUERIES }, (_, q) =>
      embed(`${chunkText((q * 7919) % N)} ${WORDS[q % WORDS.length]}`, DIMS),
    );
    const time = async <T>(fn: (q: Float32Array) => Promise<T> | T) => {
      const ms: number[] = [];
      const out: T[] = [];
      await fn(queries[0]!); // warm-up (index and column caches)
      for (const q of queries) {
        const s = performance.now();
        out.push(await fn(q));
        ms.push(performance.now() - s);
      }
      return { p50: percentile(ms, 50), p99: percentile(ms, 99), out };
    };
    const js = await time((q) => cosineTopK(q, vectors, K).map((h) => ids[h.index]!));
    const exact = await time(async (q) => (await store.search(q, K, { mode: 'exact' })).map((h) => h.id));
    const approx = await time(async (q) => (await store.search(q, K, { mode: 'approximate' })).map((h) => h.id));
    await store.close();

    const overlap = (a: string[][], b: string[][]) =>
      a.reduce((s, xs, i) => s + xs.filter((x) => b[i]!.includes(x)).length / K, 0) / a.length;
    const recall = overlap(approx.out, exact.out);
    const exactVsJs = overlap(exact.out, js.out);
    const rate = (ms: number) => (N / ms) * 1000;
    return {
      name: 'rag-index',
      lines: [
        `${N.toLocaleString('en-US')} chunks, ${DIMS}-dim vectors from the local backend's hashed n-gram ` +
          `embedder in-process (${fmt(rate(embedMs), 0)} chunks/s, not counted below)`,
        `indexing (LanceDB upserts of ${BATCH.toLocaleString('en-US')}): ${fmt(rate(upsertMs), 0)} chunks/s ` +
          `vs anchor flat-file write ${fmt(rate(flatMs), 0)} chunks/s (ratio ${fmt(flatMs / upsertMs, 3)})`,
        `indexing incl. IVF_FLAT build (${fmt(annMs / 1000)} s): ${fmt(rate(upsertMs + annMs), 0)} chunks/s ` +
          `vs anchor ${fmt(rate(flatMs), 0)} chunks/s (ratio ${fmt(flatMs / (upsertMs + annMs), 3)})`,
        `query top-${K}, approximate (IVF_FLAT, 20 probes): p50 ${fmt(approx.p50, 2)} ms, p99 ` +
          `${fmt(approx.p99, 2)} ms vs anchor JS brute-force cosine p50 ${fmt(js.p50, 2)} ms, p99 ` +
          `${fmt(js.p99, 2)} ms (p50 ratio ${fmt(approx.p50 / js.p50, 2)})`,
        `query top-${K}, exact (LanceDB brute force): p50 ${fmt(exact.p50, 2)} ms, p99 ${fmt(exact.p99, 2)} ` +
          `ms vs anchor JS brute-force cosine p50 ${fmt(js.p50, 2)} ms (p50 ratio ${fmt(exact.p50 / js.p50, 2)}` +
          `)`,
        `recall@${K} of approximate vs exact search: ${fmt(recall, 3)} (anchor: exact LanceDB vs JS brute ` +
          `force ${fmt(exactVsJs, 3)}), over ${QUERIES} queries`,
      ],
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
