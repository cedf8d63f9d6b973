/**
 * Size limits on a dataset source, so one oversized file cannot exhaust the machine's memory or disk before the
 * provider would refuse it anyway. Set in a pipeline spec as `dataset.limits` (core/spec/datasetSpec.ts) or with
 * `tailor validate`/`tailor prep --max-line-bytes/--max-file-bytes/--max-examples`.
 */
export interface DatasetLimits {
  /** Largest line (JSONL) read into memory. @default 32 MiB */
  maxLineBytes: number;
  /** Largest source file read at all. @default 2 GiB (OpenAI's Uploads API takes up to 8 GB; its Files API 512 MB) */
  maxFileBytes: number;
  /** Most examples (non-blank lines or CSV rows) read. @default 2,000,000 (a few dozen bytes of memory each in prep) */
  maxExamples: number;
  /**
   * Data prep fails when more than this share of the lines read cannot be used as examples at all (invalid JSON
   * or UTF-8, wrong shape, missing fields); duplicates and length filters do not count. @default 0.5
   */
  maxRejectedFraction: number;
}

export const DEFAULT_DATASET_LIMITS: Readonly<DatasetLimits> = {
  maxLineBytes: 32 * 1024 * 1024,
  maxFileBytes: 2 * 1024 * 1024 * 1024,
  maxExamples: 2_000_000,
  maxRejectedFraction: 0.5,
};

/** The defaults with whatever a spec or a flag set laid over them. */
export function datasetLimits(overrides: Partial<DatasetLimits> | undefined): DatasetLimits {
  return { ...DEFAULT_DATASET_LIMITS, ...stripUndefined(overrides ?? {}) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The spec key a limit message names, so the user knows what to raise. */
export const limitKey = (name: keyof DatasetLimits): string => `dataset.limits.${name}`;

/** A source over one of the limits: fatal for the whole file, so nothing partial is stored or uploaded. */
export class DatasetLimitError extends Error {
  override name = 'DatasetLimitError';
}

export function fileTooLarge(file: string, bytes: number, limit: number): DatasetLimitError {
  return new DatasetLimitError(`${file}: ${bytes} bytes exceeds the ${limit}-byte limit (${limitKey('maxFileBytes')})`);
}

/** Shared by the validator's `line_too_long` error and the preparer's fatal one. */
export function lineTooLongMessage(bytes: number, limit: number | string): string {
  return `line of ${bytes} bytes exceeds the ${limit}-byte limit (${limitKey('maxLineBytes')})`;
}

/** `file:line: message`, the way editors and compilers point at a place. */
export function atLine(file: string, line: number, message: string): DatasetLimitError {
  return new DatasetLimitError(`${file}:${line}: ${message}`);
}

export function tooManyExamples(file: string, line: number, limit: number): DatasetLimitError {
  return atLine(file, line, `more than ${limit} examples (${limitKey('maxExamples')})`);
}
