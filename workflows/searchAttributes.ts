import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Tailor's search attributes (DESIGN invariant 7): what makes a run findable in `temporal workflow list -q`. */
export const TailorPipeline = defineSearchAttributeKey('TailorPipeline', SearchAttributeType.KEYWORD);
export const TailorDatasetSha = defineSearchAttributeKey('TailorDatasetSha', SearchAttributeType.KEYWORD);
export const TailorStage = defineSearchAttributeKey('TailorStage', SearchAttributeType.KEYWORD);
export const TailorModel = defineSearchAttributeKey('TailorModel', SearchAttributeType.KEYWORD);
export const TailorOutcome = defineSearchAttributeKey('TailorOutcome', SearchAttributeType.KEYWORD);

export const TAILOR_SEARCH_ATTRIBUTES = [TailorPipeline, TailorDatasetSha, TailorStage, TailorModel, TailorOutcome];
