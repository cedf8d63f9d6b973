import { createReadStream } from 'node:fs';
import { DatasetValidator, type ValidatorOptions } from '../../core/dataset/datasetValidator';
import { LineSplitter } from '../../core/dataset/lineSplitter';
import type { ValidationReport } from '../../core/dataset/validationReport';

/** Largest line read into memory; a longer line is reported as `line_too_long` and skipped without buffering it. */
export const DEFAULT_MAX_LINE_BYTES = 32 * 1024 * 1024;
const READ_CHUNK_BYTES = 1024 * 1024;
const PROGRESS_EVERY_BYTES = 64 * 1024 * 1024;

export interface ValidateFileOptions extends ValidatorOptions {
  /** Called every 64 MB read with the bytes read so far (activities heartbeat from it). */
  onProgress?: (bytesRead: number) => void;
}

/** Streams a JSONL file through the validator: memory stays flat however large the file. */
export async function validateFile(file: string, opts: ValidateFileOptions): Promise<ValidationReport> {
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const validator = new DatasetValidator({ ...opts, maxLineBytes });
  const splitter = new LineSplitter((line) => validator.addLine(line), maxLineBytes);
  let nextProgress = PROGRESS_EVERY_BYTES;
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK_BYTES })) {
    splitter.push(chunk as Buffer);
    if (opts.onProgress && splitter.stats.bytes >= nextProgress) {
      opts.onProgress(splitter.stats.bytes);
      nextProgress += PROGRESS_EVERY_BYTES;
    }
  }
  splitter.end();
  return validator.finish(splitter.stats);
}
