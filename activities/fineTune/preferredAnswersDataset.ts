import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { parseJsonl } from '../../core/chat/chatExample';
import { isPreferenceRow, preferredAnswerExample } from '../../core/fineTune/preferredAnswers';
import { artifactStore } from '../../stores/processStores';

/** Derives the supervised dataset of preferred answers from a prepared preference (DPO) split. */
export async function preferredAnswersDataset(input: { dataset: ArtifactRef }): Promise<ArtifactRef> {
  const store = artifactStore();
  const rows = parseJsonl<unknown>(await store.readText(input.dataset));
  const lines = rows.filter(isPreferenceRow).map((r) => JSON.stringify(preferredAnswerExample(r)));
  return store.put(lines.join('\n') + (lines.length ? '\n' : ''), {
    name: `sft-of-${input.dataset.name ?? input.dataset.sha256.slice(0, 12)}`,
    count: lines.length,
  });
}
