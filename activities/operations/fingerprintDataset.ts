import { createHash } from 'node:crypto';
import { requireAllowedPath } from '../confinedPath';
import fs from 'node:fs';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { Failure } from '../../core/failures/failureTypes';

export const DatasetFingerprintSchema = z.object({
  size: z.number(),
  mtimeMs: z.number(),
  sha256: z.string().length(64),
});
export type DatasetFingerprint = z.infer<typeof DatasetFingerprintSchema>;

const InputSchema = z.object({
  path: z.string().min(1),
  /** The last fingerprint seen; when size and mtime still match it, its hash is reused without reading the file. */
  previous: DatasetFingerprintSchema.optional(),
  /** Hash even when size and mtime did not move (an external system said the data changed). */
  force: z.boolean().optional(),
});

/**
 * Fingerprints a dataset source: stat first, sha256 only when size or mtime moved (or when forced), so a watcher
 * ticking every few seconds on a large file reads it only after it changed.
 */
export async function fingerprintDataset(input: z.input<typeof InputSchema>): Promise<DatasetFingerprint> {
  const { path, previous, force } = InputSchema.parse(input);
  requireAllowedPath(path, 'dataset.path');
  const stat = await fs.promises.stat(path).catch(() => undefined);
  if (!stat?.isFile()) throw ApplicationFailure.nonRetryable(`dataset file not found: ${path}`, Failure.InvalidDataset);
  if (!force && previous && previous.size === stat.size && previous.mtimeMs === stat.mtimeMs) return previous;
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(path)) hash.update(chunk as Buffer);
  return { size: stat.size, mtimeMs: stat.mtimeMs, sha256: hash.digest('hex') };
}
