import { defineQuery } from '@temporalio/workflow';
import type { PromptSearchProgress } from '../core/promptSearch/searchTypes';

// promptSearchWorkflow's messages.

/** The round, the candidates running and finished, and the money spent; a resumed search starts from this. */
export const promptSearchProgressQuery = defineQuery<PromptSearchProgress>('promptSearchProgress');
