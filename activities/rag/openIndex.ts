import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ProviderSpec } from '../../core/spec/providerSpec';
import { Bm25Index } from '../../core/rag/bm25';
import { IndexManifestSchema, type IndexManifest } from '../../core/rag/indexManifest';
import type { Passage } from '../../core/rag/ragPrompt';
import { rankPassages, type RankInput, type RankOptions } from '../../core/rag/rankPassages';
import type { VectorSearchOptions } from '../../core/rag/vectorStore';
import { embedBatch } from './embedBatch';
import { LanceVectorStore } from '../../stores/rag/lanceStore';
import { indexOnThisHost } from '../../stores/rag/indexSnapshot';

export const MANIFEST_FILE = 'manifest.json';

export class IndexNotFoundError extends Error {
  override name = 'IndexNotFoundError';
}

export interface RetrieveOptions extends RankOptions {
  filter?: VectorSearchOptions['filter'];
  mode?: VectorSearchOptions['mode'];
  provider?: ProviderSpec;
}

/**
 * A built index opened for questions: the manifest (chunks, BM25 over them) and the vector store. Retrieval embeds
 * the question with the model the index was built with, so query and chunks share one space.
 */
export class OpenIndex {
  /** BM25 over the chunks under a source prefix ('' for all), built on the first hybrid query that needs it. */
  private readonly bm25 = new Map<string, NonNullable<RankInput['bm25']>>();
  private readonly byId: Map<string, IndexManifest['chunks'][number]>;

  private constructor(
    readonly dir: string,
    readonly manifest: IndexManifest,
    /** sha256 of manifest.json's bytes: the index's version, as buildIndex returns it. */
    readonly manifestSha256: string,
    readonly store: LanceVectorStore,
  ) {
    this.byId = new Map(manifest.chunks.map((c) => [c.id, c]));
  }

  /** `dir` names the index; with artifacts in S3 it is read from this host's copy of its latest published build. */
  static async open(dir: string): Promise<OpenIndex> {
    const here = await indexOnThisHost(dir);
    const file = path.join(here, MANIFEST_FILE);
    let raw: unknown;
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
      raw = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new IndexNotFoundError(
        code === 'ENOENT'
          ? `${dir} is not a Tailor index (no ${MANIFEST_FILE}; build one with \`tailor index DOCS --out ${dir}\`)`
          : `${file}: unreadable (${(err as Error).message})`,
      );
    }
    const parsed = IndexManifestSchema.safeParse(raw);
    if (!parsed.success)
      throw new IndexNotFoundError(
        `${file}: not a Tailor index manifest (${parsed.error.issues[0]!.path.join('.')}: ` +
          `${parsed.error.issues[0]!.message})`,
      );
    return new OpenIndex(
      dir,
      parsed.data,
      createHash('sha256').update(bytes).digest('hex'),
      await LanceVectorStore.open(path.join(here, 'lance')),
    );
  }

  async retrieve(question: string, opts: RetrieveOptions): Promise<Passage[]> {
    const [vector] = await embedBatch([question], this.manifest.embedding.model, {
      dimensions: this.manifest.embedding.dimensions,
      provider: opts.provider,
    });
    // Fusion and MMR choose among more candidates than they keep.
    const fetch = opts.hybrid || opts.mmrLambda !== undefined ? Math.max(opts.k * 4, 20) : opts.k;
    const dense = await this.store.search(vector!, fetch, { filter: opts.filter, mode: opts.mode });
    return rankPassages(
      {
        queryText: question,
        dense,
        chunkById: (id) => this.byId.get(id),
        bm25: opts.hybrid ? this.bm25For(opts.filter?.sourcePrefix ?? '') : undefined,
      },
      opts,
    );
  }

  private bm25For(prefix: string): NonNullable<RankInput['bm25']> {
    let entry = this.bm25.get(prefix);
    if (!entry) {
      const chunks = prefix ? this.manifest.chunks.filter((c) => c.source.startsWith(prefix)) : this.manifest.chunks;
      entry = { index: new Bm25Index(chunks.map((c) => c.text)), idAt: (i) => chunks[i]!.id };
      this.bm25.set(prefix, entry);
    }
    return entry;
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
