import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

/**
 * Tailor's search attributes: what makes a run findable in `temporal workflow list -q` (see
 * docs/architecture.md, Every run explains itself).
 */
export const TailorPipeline = defineSearchAttributeKey('TailorPipeline', SearchAttributeType.KEYWORD);
export const TailorDatasetSha = defineSearchAttributeKey('TailorDatasetSha', SearchAttributeType.KEYWORD);
export const TailorStage = defineSearchAttributeKey('TailorStage', SearchAttributeType.KEYWORD);
export const TailorModel = defineSearchAttributeKey('TailorModel', SearchAttributeType.KEYWORD);
export const TailorOutcome = defineSearchAttributeKey('TailorOutcome', SearchAttributeType.KEYWORD);

export const TAILOR_SEARCH_ATTRIBUTES = [TailorPipeline, TailorDatasetSha, TailorStage, TailorModel, TailorOutcome];

/** What a pipeline run is tagged with when it starts: findable by pipeline and dataset from its first moment. */
export function pipelineStartAttributes(pipeline: string, datasetSha256: string): SearchAttributePair[] {
  return [
    { key: TailorPipeline, value: pipeline },
    { key: TailorDatasetSha, value: datasetSha256 },
    { key: TailorStage, value: 'prepare' },
  ];
}
