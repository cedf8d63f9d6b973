import { UsageError } from './command';

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** A positive byte count or count: `1048576`, or with a binary suffix `64K`, `32M`, `2G`. */
export function sizeOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\s*([kmg]?)(i?b)?$/i.exec(value.trim());
  const n = m ? Number(m[1]) * UNITS[m[2]!.toLowerCase()]! : NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`--${name} expects a positive whole number (optionally with K, M or G), got '${value}'`);
  return n;
}

/** The `--max-line-bytes`, `--max-file-bytes`, `--max-examples` options `tailor validate` and `tailor prep` share. */
export const DATASET_LIMIT_OPTIONS = {
  'max-line-bytes': { type: 'string' },
  'max-file-bytes': { type: 'string' },
  'max-examples': { type: 'string' },
} as const;

export const DATASET_LIMIT_HELP = `  --max-line-bytes N  longest line read (default 32M; dataset.limits.maxLineBytes in a spec)
  --max-file-bytes N  largest file read (default 2G; dataset.limits.maxFileBytes)
  --max-examples N    most examples read (default 2000000; dataset.limits.maxExamples)`;

export function datasetLimitFlags(values: Partial<Record<keyof typeof DATASET_LIMIT_OPTIONS, string>>) {
  return {
    maxLineBytes: sizeOption('max-line-bytes', values['max-line-bytes']),
    maxFileBytes: sizeOption('max-file-bytes', values['max-file-bytes']),
    maxExamples: sizeOption('max-examples', values['max-examples']),
  };
}
