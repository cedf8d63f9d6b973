import { defineQuery } from '@temporalio/workflow';
import type { EvalProgress } from '../core/evalSuite/evalSuiteRun';

// evalSuiteWorkflow's messages.

/** Stage, shards and cases done, overall and per variant: `tailor eval`'s and `tailor status`'s live view. */
export const evalProgressQuery = defineQuery<EvalProgress>('evalProgress');
