import type { DatasetSpec } from '../spec/datasetSpec';

/**
 * What the `materializeFeedbackDataset` activity is asked for by a `source: feedback` dataset spec: one mapping, so
 * a scheduled run and `tailor run` export the same data (and so name their runs by the same hash).
 */
export function feedbackExportRequest(dataset: DatasetSpec, baselineSha256: string | null) {
  return {
    format: dataset.format === 'dpo' ? ('dpo' as const) : ('chat' as const),
    ...(dataset.window ? { window: dataset.window } : {}),
    ...(dataset.model ? { model: dataset.model } : {}),
    baselineSha256,
  };
}
