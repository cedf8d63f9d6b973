import { createHash } from 'node:crypto';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { loadDocuments } from '../../activities/rag/loadDocuments';
import { chunkDocument } from '../../core/rag/chunking';
import { DocumentFormatError } from '../../core/rag/documentTypes';
import { TASK_QUEUE } from '../../workers/taskQueue';
import { buildIndexWorkflow } from '../../workflows/buildIndexWorkflow';
import { intOption, parseCommandArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { stackLine, startStack } from '../stack/embeddedStack';
import { failureCause } from '../../core/failures/failureCause';
import { exitCodeFor } from '../../core/failures/failureTypes';

export const command: CliCommand = {
  name: 'index',
  summary: 'build or refresh a RAG index of documents (only new or changed chunks are embedded)',
  help: `Usage: tailor index DOCS --out DIR [--chunk-tokens N] [--overlap N] [--model EMB] [--dimensions D] [--json]

Builds a retrieval index of DOCS (a folder, one file, or a corpus manifest .json listing documents) in DIR, as a
durable workflow (buildIndexWorkflow): Markdown, plain text, HTML and JSONL documents are chunked by tokens with
overlap (a chunk never spans two top-level Markdown sections unless they are tiny), each chunk keyed by
sha256(source, text), embedded through the provider's /v1/embeddings in batches, and stored in an embedded
LanceDB table under DIR/lance with DIR/manifest.json. Re-running on changed documents embeds only new or changed
chunks and deletes removed ones; a crashed worker's retry resumes where it stopped.

Temporal: TEMPORAL_ADDRESS when set; else a running \`tailor dev\`; else an embedded dev server (.tailor/temporal).
Provider: OPENAI_BASE_URL / OPENAI_API_KEY when set; else the local backend, whose embeddings are a small CPU
embedding (hashed word and character n-grams), not a neural model.

Options:
  --out DIR          the index directory (required)
  --chunk-tokens N   most tokens per chunk (default 200)
  --overlap N        tokens repeated between neighbouring chunks of a section (default 40)
  --model EMB        embedding model (default text-embedding-3-small)
  --dimensions D     shorter embeddings, for models that support them
  --json             print the IndexRef as JSON

Example: tailor index examples/rag-qa/docs --out .tailor/indexes/rag-qa

Exit codes: 0 indexed, 1 the build failed, 2 a usage error or a bad document (file and line named).`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      out: { type: 'string' },
      'chunk-tokens': { type: 'string' },
      overlap: { type: 'string' },
      model: { type: 'string' },
      dimensions: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1)
      throw new UsageError('expected exactly one DOCS folder or file (see tailor index --help)');
    if (!values.out) throw new UsageError('--out DIR is required (where the index is written)');
    const chunkTokens = intOption('chunk-tokens', values['chunk-tokens'], 200);
    const overlap = intOption('overlap', values.overlap, 40);
    const dimensions = values.dimensions === undefined ? undefined : intOption('dimensions', values.dimensions, 0);
    if (chunkTokens < 8) throw new UsageError(`--chunk-tokens must be at least 8, got ${chunkTokens}`);
    if (overlap < 0 || overlap >= chunkTokens / 2)
      throw new UsageError(`--overlap must be from 0 to under half of --chunk-tokens (${chunkTokens}), got ${overlap}`);
    if (dimensions !== undefined && dimensions < 1)
      throw new UsageError(`--dimensions must be a positive integer, got ${dimensions}`);
    const docs = path.resolve(positionals[0]!);
    const out = path.resolve(values.out);
    // Parse here first: a bad document is a usage error named by file and line, before anything starts.
    let chunks = 0;
    let documents = 0;
    try {
      for (const d of loadDocuments(docs)) {
        documents++;
        chunks += chunkDocument(d, { chunkTokens, overlap }).length;
      }
    } catch (err) {
      if (err instanceof DocumentFormatError) throw new UsageError(err.message);
      throw err;
    }
    const json = values.json === true;
    const log = (line: string) => (json ? process.stderr : process.stdout).write(line + '\n');
    log(`Tailor index: ${documents} documents, ${chunks} chunks → ${path.relative(process.cwd(), out) || '.'}`);
    const stack = await startStack({ attachToDev: true, startWorker: true, uiPort: false, log: (l) => log(`  ${l}`) });
    try {
      log(`  ${stackLine(stack)}`);
      const workflowId =
        `index-` + `${createHash('sha256').update(out).digest('hex').slice(0, 12)}` + `-${Date.now().toString(36)}`;
      const handle = await stack.client.workflow.start(buildIndexWorkflow, {
        workflowId,
        taskQueue: TASK_QUEUE,
        args: [{ docs, out, chunkTokens, overlap, model: values.model, dimensions }],
      });
      log(`run ${workflowId}`);
      let ref;
      try {
        ref = await handle.result();
      } catch (err) {
        const cause = failureCause(err);
        log(`The index build failed: ${cause.message}`);
        return err instanceof WorkflowFailedError ? exitCodeFor(cause.type) : 1;
      }
      if (json) process.stdout.write(JSON.stringify(ref) + '\n');
      else
        log(
          `indexed ${ref.chunks} chunks: ${ref.embedded} embedded, ${ref.reused} reused, ${ref.deleted} ` +
            `deleted (manifest sha256 ${ref.manifestSha256.slice(0, 12)})`,
        );
      return 0;
    } finally {
      await stack.close();
    }
  },
};
