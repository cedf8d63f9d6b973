import type OpenAI from 'openai';
import { ApplicationFailure } from '@temporalio/common';
import type { ProviderSpec } from '../../core/spec/providerSpec';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { splitDuplicates } from '../../core/fineTune/duplicates';
import { TERMINAL_JOB_STATUSES, type JobStatus } from '../../core/pipeline/fineTuneTypes';
import { providerClient } from '../../providers/openai/client';
import { callProvider } from '../../providers/openai/errors';
import { Failure } from '../../core/failures/failureTypes';

/** The metadata key that ties a remote job to exactly one run and step. */
export const RUN_TAG_KEY = 'tailor_run';

/** The provider-side name that makes an upload findable by content: a retry or a second run reuses it. */
export function uploadName(sha256: string): string {
  return `tailor-${sha256}.jsonl`;
}

const isLive = (status: string) => !TERMINAL_JOB_STATUSES.includes(status as JobStatus);
const copyOf = <T extends { id: string; created_at: number }>(x: T) => ({ ...x, createdAt: x.created_at });

/** Every job the provider holds with this run's tag. */
export async function jobsOfRun(client: OpenAI, runTag: string): Promise<OpenAI.FineTuning.FineTuningJob[]> {
  return callProvider('look up fine-tuning jobs by run tag', async (opts) => {
    const out: OpenAI.FineTuning.FineTuningJob[] = [];
    for await (const job of client.fineTuning.jobs.list({ metadata: { [RUN_TAG_KEY]: runTag }, limit: 100 }, opts)) {
      if (job.metadata?.[RUN_TAG_KEY] === runTag) out.push(job);
    }
    return out;
  });
}

/**
 * Keeps one job of the run (`keepJobId`, or else the oldest) and cancels every other one still live: the extras a
 * request the provider accepted after its attempt had given up on it leaves behind. Returns what it cancelled.
 */
export async function settleRunJobs(
  client: OpenAI,
  runTag: string,
  keepJobId?: string,
): Promise<{ kept?: OpenAI.FineTuning.FineTuningJob; cancelledJobIds: string[] }> {
  const { kept, extras } = splitDuplicates((await jobsOfRun(client, runTag)).map(copyOf), keepJobId);
  const cancelledJobIds: string[] = [];
  for (const extra of extras.filter((j) => isLive(j.status))) {
    try {
      await callProvider(`cancel duplicate fine-tuning job ${extra.id}`, (opts) =>
        client.fineTuning.jobs.cancel(extra.id, opts),
      );
    } catch (err) {
      // It may have ended between the list and the cancel: only a job that is still live is a problem.
      const now = await callProvider('retrieve fine-tuning job', (opts) =>
        client.fineTuning.jobs.retrieve(extra.id, opts),
      );
      if (isLive(now.status)) throw err;
    }
    cancelledJobIds.push(extra.id);
  }
  return { kept, cancelledJobIds };
}

/** The usable uploads of an artifact: its content-derived name, its size, purpose fine-tune, not rejected. */
export async function uploadsOfArtifact(client: OpenAI, artifact: ArtifactRef): Promise<OpenAI.Files.FileObject[]> {
  const name = uploadName(artifact.sha256);
  return callProvider('list files', async (opts) => {
    const out: OpenAI.Files.FileObject[] = [];
    for await (const f of client.files.list({ purpose: 'fine-tune', limit: 1000 }, opts)) {
      if (f.filename === name && f.status !== 'error' && f.bytes === artifact.bytes) out.push(f);
    }
    return out;
  });
}

/** Keeps one upload of the artifact (`keepFileId`, or else the oldest) and deletes the other copies. */
export async function settleUploads(
  client: OpenAI,
  artifact: ArtifactRef,
  keepFileId?: string,
): Promise<{ kept?: OpenAI.Files.FileObject; deletedFileIds: string[] }> {
  const { kept, extras } = splitDuplicates((await uploadsOfArtifact(client, artifact)).map(copyOf), keepFileId);
  const deletedFileIds: string[] = [];
  for (const extra of extras) {
    try {
      await callProvider(`delete duplicate file ${extra.id}`, (opts) => client.files.delete(extra.id, opts));
    } catch (err) {
      if (!(err instanceof ApplicationFailure && err.type === Failure.Provider404)) throw err; // already gone
    }
    deletedFileIds.push(extra.id);
  }
  return { kept, deletedFileIds };
}

/**
 * After a job is chosen, and again when it ends: cancels every other live job with the run's tag and deletes extra
 * copies of the run's uploads. The result names what it removed, so the audit shows it.
 */
export async function settleRunDuplicates(input: {
  runTag: string;
  jobId: string;
  files: { artifact: ArtifactRef; fileId: string }[];
  provider?: ProviderSpec;
}): Promise<{ keptJobId: string; cancelledJobIds: string[]; deletedFileIds: string[] }> {
  const client = providerClient(input.provider);
  const { cancelledJobIds } = await settleRunJobs(client, input.runTag, input.jobId);
  const deletedFileIds: string[] = [];
  for (const f of input.files) {
    deletedFileIds.push(...(await settleUploads(client, f.artifact, f.fileId)).deletedFileIds);
  }
  return { keptJobId: input.jobId, cancelledJobIds, deletedFileIds };
}
