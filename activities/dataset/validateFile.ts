import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { DatasetValidator, type ValidatorOptions } from '../../core/dataset/datasetValidator';
import { datasetLimits, fileTooLarge, tooManyExamples, type DatasetLimits } from '../../core/dataset/datasetLimits';
import { LineSplitter } from '../../core/dataset/lineSplitter';
import type { ValidationReport } from '../../core/dataset/validationReport';

const READ_CHUNK_BYTES = 1024 * 1024;
const PROGRESS_EVERY_BYTES = 64 * 1024 * 1024;
/** Progress at least this often while reading (between 1 MB chunks), so a slow file still heartbeats. */
const PROGRESS_EVERY_MS = 2000;

export interface ValidateFileOptions extends ValidatorOptions {
  /**
   * Called every 64 MB read or every 2 s, whichever comes first, with the bytes read so far (activities heartbeat
   * from it).
   */
  onProgress?: (bytesRead: number) => void;
  /** Milliseconds, for the elapsed-time progress. @default Date.now */
  clock?: () => number;
  /** File size and example-count limits (the line limit is `maxLineBytes`). @default DEFAULT_DATASET_LIMITS */
  limits?: Partial<Pick<DatasetLimits, 'maxFileBytes' | 'maxExamples'>>;
  /** How limit messages name the file (an artifact's name rather than its store path). @default the path */
  displayName?: string;
}

/**
 * Streams a JSONL file through the validator: memory stays flat however large the file. A file over `maxFileBytes`
 * or with more than `maxExamples` examples throws `DatasetLimitError` (no report: the file is refused as a whole);
 * an over-long line is one `line_too_long` error in the report, so the other problems are still listed.
 */
export async function validateFile(file: string, opts: ValidateFileOptions): Promise<ValidationReport> {
  // A longer line than maxLineBytes is reported as `line_too_long` and skipped without buffering it.
  const { maxLineBytes, maxFileBytes, maxExamples } = datasetLimits({
    maxLineBytes: opts.maxLineBytes,
    ...opts.limits,
  });
  const name = opts.displayName ?? file;
  const { size } = await fs.stat(file);
  if (size > maxFileBytes) throw fileTooLarge(name, size, maxFileBytes);
  const validator = new DatasetValidator({ ...opts, maxLineBytes });
  const splitter = new LineSplitter((line) => {
    validator.addLine(line);
    if (validator.exampleCount > maxExamples) throw tooManyExamples(name, line.line, maxExamples);
  }, maxLineBytes);
  const clock = opts.clock ?? Date.now;
  let nextProgress = PROGRESS_EVERY_BYTES;
  let lastProgressAt = clock();
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK_BYTES })) {
    splitter.push(chunk as Buffer);
    if (!opts.onProgress) continue;
    const now = clock();
    if (splitter.stats.bytes >= nextProgress || now - lastProgressAt >= PROGRESS_EVERY_MS) {
      opts.onProgress(splitter.stats.bytes);
      while (nextProgress <= splitter.stats.bytes) nextProgress += PROGRESS_EVERY_BYTES;
      lastProgressAt = now;
    }
  }
  splitter.end();
  return validator.finish(splitter.stats);
}
