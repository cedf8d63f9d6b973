import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { artifactStore } from '../../stores/processStores';

/** Stores a small JSON document (a report, a leaderboard) so history carries only its reference. */
export async function storeJson(input: { name: string; value: unknown }): Promise<ArtifactRef> {
  return artifactStore().put(JSON.stringify(input.value, null, 2) + '\n', { name: input.name });
}
