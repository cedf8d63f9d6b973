import { createHash } from 'node:crypto';
import { requireAllowedPath } from '../confinedPath';
import fs from 'node:fs';
import path from 'node:path';
import { activityInfo, heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ProviderSpec } from '../../core/spec/providerSpec';
import type { Chunk } from '../../core/rag/chunk';
import { chunkDocument, DEFAULT_CHUNKING } from '../../core/rag/chunking';
import { DocumentFormatError } from '../../core/rag/documentTypes';
import { planBatches, type BatchLimits } from '../../core/rag/embeddingBatches';
import type { IndexManifest, IndexRef } from '../../core/rag/indexManifest';
import { DEFAULT_ANN_THRESHOLD } from '../../core/rag/vectorStore';
import { DEFAULT_EMBEDDING_MODEL, embedBatch } from './embedBatch';
import { LanceVectorStore } from '../../stores/rag/lanceStore';
import { publishIndex, seedIndexFromStore } from '../../stores/rag/indexSnapshot';
import { loadDocuments } from './loadDocuments';
import { MANIFEST_FILE } from './openIndex';
import { Failure } from '../../core/failures/failureTypes';

export interface BuildIndexInput {
  /** A folder, one document, or a corpus manifest `.json` (absolute, as the worker sees it). */
  docs: string;
  /** The index directory (absolute). */
  out: string;
  /** @default 'text-embedding-3-small' */
  model?: string;
  dimensions?: number;
  /** @default 200 */
  chunkTokens?: number;
  /** @default 40 */
  overlap?: number;
  /** Inputs and tokens per `/v1/embeddings` request. @default { maxInputs: 128, maxTokens: 300000 } */
  batch?: BatchLimits;
  /** Build the approximate (IVF) index from this many chunks up. @default 10000 */
  annThreshold?: number;
  provider?: ProviderSpec;
}

/** Heartbeat details: enough for a retry to report the whole build, not just its own attempt. */
export interface BuildIndexProgress {
  chunks: number;
  /** Chunks already in the index when the build (its first attempt) began. */
  reused: number;
  /** Chunks embedded so far by this build, across attempts. */
  embedded: number;
}

const EMBEDDING_FILE = 'embedding.json';

/**
 * Builds or refreshes a RAG index: parse and chunk the documents, embed only chunks whose id (sha256 of source and
 * text) the index does not hold, delete the ids no document produces any more, then write `manifest.json`.
 *
 * The store is the embedding cache: every embedded batch is committed to it before the next request, so a retry
 * after a crash lists what is there and embeds only the rest. Heartbeats carry the running counts (and keep the
 * attempt alive while a slow request is out).
 */
export async function buildIndex(input: BuildIndexInput): Promise<IndexRef> {
  const model = input.model ?? DEFAULT_EMBEDDING_MODEL;
  const chunking = {
    chunkTokens: input.chunkTokens ?? DEFAULT_CHUNKING.chunkTokens,
    overlap: input.overlap ?? DEFAULT_CHUNKING.overlap,
    encoding: DEFAULT_CHUNKING.encoding,
  };
  let docs;
  let chunks: Chunk[];
  try {
    requireAllowedPath(input.docs, 'rag docs');
    docs = loadDocuments(input.docs);
    chunks = docs.flatMap((d) => chunkDocument(d, chunking));
  } catch (err) {
    if (err instanceof DocumentFormatError || err instanceof RangeError)
      throw ApplicationFailure.nonRetryable(err.message, Failure.InvalidDocuments);
    throw err;
  }
  const dir = path.resolve(input.out);
  // Another host built it before (artifacts in S3): start from that build, so only changed chunks are embedded.
  await seedIndexFromStore(dir);
  const store = await LanceVectorStore.open(path.join(dir, 'lance'));
  try {
    await resetOnModelChange(store, dir, { model, dimensions: input.dimensions });
    const present = new Set(await store.listIds());
    const prior = activityInfo().heartbeatDetails as BuildIndexProgress | undefined;
    const wanted = new Set(chunks.map((c) => c.id));
    const reusedNow = chunks.filter((c) => present.has(c.id)).length;
    // On a retry, chunks the earlier attempt embedded are in the store now, but they were not reused.
    const reused =
      prior?.reused !== undefined && prior.chunks === chunks.length ? Math.min(prior.reused, reusedNow) : reusedNow;
    const progress: BuildIndexProgress = { chunks: chunks.length, reused, embedded: reusedNow - reused };
    heartbeat(progress);
    const ticker = setInterval(() => heartbeat(progress), 1000);
    try {
      const missing = chunks.filter((c) => !present.has(c.id));
      for (const batch of planBatches(missing, (c) => c.tokenEnd - c.tokenStart, input.batch)) {
        const vectors = await embedBatch(
          batch.map((c) => c.text),
          model,
          { dimensions: input.dimensions, provider: input.provider },
        );
        await store.upsert(
          batch.map((c, i) => ({ id: c.id, source: c.source, heading: c.heading, text: c.text, vector: vectors[i]! })),
        );
        progress.embedded += batch.length;
        heartbeat(progress);
      }
    } finally {
      clearInterval(ticker);
    }
    const stale = [...present].filter((id) => !wanted.has(id));
    const deleted = await store.deleteIds(stale);
    if (progress.embedded > 0 || deleted > 0) {
      await store.ensureAnnIndex(input.annThreshold ?? DEFAULT_ANN_THRESHOLD);
      await store.compact();
    }
    const chunksPerSource = new Map<string, number>();
    for (const c of chunks) chunksPerSource.set(c.source, (chunksPerSource.get(c.source) ?? 0) + 1);
    const manifest: IndexManifest = {
      format: 'tailor-rag-index/1',
      embedding: { model, ...(input.dimensions ? { dimensions: input.dimensions } : {}) },
      chunking,
      documents: docs.map((d) => ({ source: d.source, sha256: d.sha256, chunks: chunksPerSource.get(d.source) ?? 0 })),
      chunks: chunks.map(({ id, source, heading, text, charStart, charEnd, tokenStart, tokenEnd }) => ({
        id,
        source,
        heading,
        text,
        charStart,
        charEnd,
        tokenStart,
        tokenEnd,
      })),
    };
    const manifestSha256 = writeAtomically(path.join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 1));
    // Artifacts in S3: the finished index is published there, for readers on other hosts.
    const snapshot = await publishIndex(dir, manifestSha256, () => heartbeat(progress));
    return {
      dir,
      manifestSha256,
      ...(snapshot ? { snapshot } : {}),
      chunks: chunks.length,
      embedded: chunks.length - progress.reused,
      reused: progress.reused,
      deleted: stale.length,
    };
  } finally {
    await store.close();
  }
}

/** Vectors of another model (or size) are meaningless next to the new ones: start the store over. */
async function resetOnModelChange(
  store: LanceVectorStore,
  dir: string,
  embedding: { model: string; dimensions?: number },
): Promise<void> {
  const file = path.join(dir, EMBEDDING_FILE);
  const want = JSON.stringify(embedding);
  let have: string | undefined;
  try {
    have = JSON.stringify(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    have = undefined;
  }
  if (have === want) return;
  if (have !== undefined || (await store.count()) > 0) await store.reset();
  writeAtomically(file, want);
}

/** Temp file and rename, so a reader never sees half a manifest; returns the content's sha256. */
function writeAtomically(file: string, content: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
  return createHash('sha256').update(content).digest('hex');
}
