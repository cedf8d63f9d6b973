import { Context } from '@temporalio/activity';
import { z } from 'zod';
import { TailorDatasetSha } from '../../core/operations/searchAttributes';

const InputSchema = z.object({ pipeline: z.string().min(1) });

/**
 * The dataset sha256 of the pipeline's most recently closed successful run, from Temporal visibility (the
 * `TailorPipeline` and `TailorDatasetSha` search attributes every run carries), or null when there is none.
 *
 * Why visibility and not the registry: the registry records deployed models and their train split, not the source
 * hash, and a run that completed without promoting still counts as a success. Visibility is eventually
 * consistent, so a run that closed a moment ago may be missed; the caller then starts the run under its
 * content-derived ID, which the server rejects as a duplicate, so nothing is spent either way.
 */
export async function lastSuccessfulDataset(input: z.input<typeof InputSchema>): Promise<string | null> {
  const { pipeline } = InputSchema.parse(input);
  const escaped = pipeline.replace(/'/g, "\\'");
  const query =
    `WorkflowType = 'customizationPipeline' AND ` +
    `ExecutionStatus = 'Completed' AND TailorPipeline = '` +
    `${escaped}'`;
  let best: { at: number; sha: string } | undefined;
  for await (const wf of Context.current().client.workflow.list({ query })) {
    const sha = wf.typedSearchAttributes.get(TailorDatasetSha);
    const at = wf.closeTime?.getTime() ?? 0;
    if (sha && (!best || at > best.at)) best = { at, sha };
  }
  return best?.sha ?? null;
}
