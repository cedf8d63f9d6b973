import { z } from 'zod';
import type { ArtifactRef } from '../artifacts/artifactRef';

/**
 * `manifest.json` of an index directory: how it was built and every chunk with its citation data. The vectors
 * live in the store; the manifest is what BM25, citations and change detection read. Its sha256 names the
 * index in an IndexRef.
 */
export const ChunkEntrySchema = z
  .object({
    id: z.string().regex(/^[0-9a-f]{64}$/),
    source: z.string(),
    heading: z.string(),
    text: z.string(),
    charStart: z.number().int().min(0),
    charEnd: z.number().int().min(0),
    tokenStart: z.number().int().min(0),
    tokenEnd: z.number().int().min(0),
  })
  .strict();

export const IndexManifestSchema = z
  .object({
    format: z.literal('tailor-rag-index/1'),
    embedding: z.object({ model: z.string().min(1), dimensions: z.number().int().positive().optional() }).strict(),
    chunking: z
      .object({
        chunkTokens: z.number().int().positive(),
        overlap: z.number().int().min(0),
        encoding: z.enum(['o200k_base', 'cl100k_base']),
      })
      .strict(),
    documents: z.array(z.object({ source: z.string(), sha256: z.string(), chunks: z.number().int().min(0) }).strict()),
    chunks: z.array(ChunkEntrySchema),
  })
  .strict();

export type IndexManifest = z.infer<typeof IndexManifestSchema>;

/**
 * What `buildIndex` returns: a reference to the index, never its contents (see docs/architecture.md,
 * References, not payloads).
 */
export interface IndexRef {
  /** Absolute path of the index directory. */
  dir: string;
  manifestSha256: string;
  /** With artifacts in S3: the published snapshot other hosts read the index from (stores/rag/indexSnapshot.ts). */
  snapshot?: ArtifactRef;
  chunks: number;
  /** Chunks embedded by this build (across its attempts). */
  embedded: number;
  /** Chunks whose vectors were already in the index when the build began. */
  reused: number;
  /** Chunks of removed or changed text deleted from the index. */
  deleted: number;
}
