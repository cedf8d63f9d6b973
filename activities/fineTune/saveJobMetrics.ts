import type { ProviderSpec } from '../../core/spec/providerSpec';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { providerClient } from '../../providers/openai/client';
import { callProvider } from '../../providers/openai/errors';
import { artifactStore } from '../../stores/processStores';

/** Every metrics event of a finished job, oldest first, as a JSONL artifact (the loss curve behind the report). */
export async function saveJobMetrics(input: { jobId: string; provider?: ProviderSpec }): Promise<ArtifactRef> {
  const client = providerClient(input.provider);
  const rows: unknown[] = [];
  await callProvider('list job events', async () => {
    for await (const e of client.fineTuning.jobs.listEvents(input.jobId, { limit: 100 })) {
      if (e.type === 'metrics') rows.push({ created_at: e.created_at, ...(e.data as object) });
    }
  });
  rows.reverse();
  return artifactStore().put(rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''), {
    name: `${input.jobId}-metrics.jsonl`,
    count: rows.length,
  });
}
