import type { DatasetSpec } from '../spec/datasetSpec';

/**
 * What the `materializeCaptureDataset` activity is asked for by a `source: capture` dataset spec: one mapping, so
 * every caller exports the same rows (and so names its run by the same hash).
 */
export function captureExportRequest(dataset: DatasetSpec) {
  return {
    alias: dataset.alias ?? '',
    format: dataset.format === 'dpo' ? ('dpo' as const) : ('chat' as const),
    ...(dataset.window ? { window: dataset.window } : {}),
    ...(dataset.minRating !== undefined ? { minRating: dataset.minRating } : {}),
    ...(dataset.sampleSize !== undefined ? { sampleSize: dataset.sampleSize } : {}),
  };
}
