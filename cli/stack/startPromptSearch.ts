import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { stableStringify, type LoadedSpec } from '../../config/loadSpec';
import type { LoadedSearchSpace } from '../../config/promptSearchSpec';
import type { CandidateOutcome, PromptSearchInput, SearchSettings } from '../../core/promptSearch/searchTypes';
import { promptSearchProgressQuery, promptSearchWorkflow } from '../../workflows/promptSearchWorkflow';

/** The search's settings: the space's, with the command line's overrides laid over them. */
export function searchSettings(
  space: LoadedSearchSpace['space'],
  overrides: {
    candidates?: number;
    usd?: number;
    roundSize?: number;
    devExamples?: number;
    testExamples?: number;
  } = {},
): SearchSettings {
  const devExamples = overrides.devExamples ?? space.evaluation.devExamples;
  const testExamples = overrides.testExamples ?? space.evaluation.testExamples;
  const usd = overrides.usd ?? space.budget.usd;
  return {
    name: space.name,
    seed: space.seed,
    roundSize: overrides.roundSize ?? space.roundSize,
    budget: { candidates: overrides.candidates ?? space.budget.candidates, ...(usd !== undefined ? { usd } : {}) },
    ...(devExamples ? { devExamples } : {}),
    ...(testExamples ? { testExamples } : {}),
    ...(space.rewriter ? { rewriter: space.rewriter } : {}),
  };
}

export function promptSearchInput(
  loaded: LoadedSpec,
  space: LoadedSearchSpace,
  settings: SearchSettings,
): PromptSearchInput {
  const { spec } = loaded;
  return {
    pipeline: spec.name,
    baseModel: spec.baseModel,
    dataset: spec.dataset,
    metric: spec.evaluation.metric,
    concurrency: spec.evaluation.concurrency,
    ...(spec.provider ? { provider: spec.provider } : {}),
    ...(spec.timeouts ? { timeouts: spec.timeouts } : {}),
    settings,
    candidates: space.candidates,
  };
}

/**
 * Searches are named by content: the same spec, space and settings give the same ID, so running it again resumes it.
 */
export function searchIdFor(input: PromptSearchInput, specSha256: string): string {
  const sha = createHash('sha256')
    .update(stableStringify({ specSha256, settings: input.settings, candidates: input.candidates.map((c) => c.key) }))
    .digest('hex');
  return `prompt-search-${input.pipeline}-${sha.slice(0, 12)}`;
}

export interface StartedSearch {
  handle: WorkflowHandle<typeof promptSearchWorkflow>;
  /**
   * `attached`: a run with this ID is running or completed (nothing new started); `resumed`: a new run after a
   * cancelled or failed one.
   */
  mode: 'new' | 'attached' | 'resumed';
  /** Candidates carried over from the earlier run (not evaluated again). */
  resumed: CandidateOutcome[];
}

/**
 * Starts the search under `searchId`. A running or completed search with that ID is attached to; after a
 * cancelled, failed, terminated or timed-out one, the new run gets the earlier run's finished candidates (read
 * through its progress query, which Temporal answers for closed runs too) and skips them.
 */
export async function startPromptSearch(
  client: Client,
  searchId: string,
  input: PromptSearchInput,
  taskQueue: string,
): Promise<StartedSearch> {
  const existing = client.workflow.getHandle<typeof promptSearchWorkflow>(searchId);
  let resume: CandidateOutcome[] = [];
  try {
    const d = await existing.describe();
    if (d.status.name === 'RUNNING' || d.status.name === 'COMPLETED')
      return { handle: existing, mode: 'attached', resumed: [] };
    // Without an answer (no worker to replay it) the cache still makes finished candidates free: start anyway.
    resume = await existing.query(promptSearchProgressQuery).then(
      (p) => p.finished,
      () => [],
    );
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  const handle = await client.workflow.start(promptSearchWorkflow, {
    workflowId: searchId,
    taskQueue,
    args: [{ ...input, ...(resume.length ? { resume } : {}) }],
  });
  return { handle, mode: resume.length ? 'resumed' : 'new', resumed: resume };
}
