import { defineQuery } from '@temporalio/workflow';
import type { PipelineProgress } from '../core/pipeline/pipelineTypes';

// customizationPipeline's messages.

/** Every step's state: `tailor status RUN` and the demo's live view read this. */
export const progressQuery = defineQuery<PipelineProgress>('progress');
