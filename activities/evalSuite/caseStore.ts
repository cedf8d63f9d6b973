import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import type { SuiteCase } from '../../core/evalSuite/evalCase';
import type { FewShotExample } from '../../core/fewshot/fewShotExample';
import type { Passage } from '../../core/rag/ragPrompt';
import { artifactStore } from '../../stores/processStores';

/**
 * Parsed cases and few-shot selections, kept per artifact in this worker process: fifty shards of one run read
 * the same 5,000-line artifact, and parsing it once instead of fifty times is most of a shard's local work.
 */
const memo = new Map<string, Promise<unknown>>();
const MAX_ENTRIES = 8;

function remember<T>(key: string, load: () => Promise<T>): Promise<T> {
  let p = memo.get(key) as Promise<T> | undefined;
  if (!p) {
    if (memo.size >= MAX_ENTRIES) memo.delete(memo.keys().next().value!);
    p = load();
    memo.set(key, p);
    p.catch(() => memo.delete(key));
  }
  return p;
}

export function loadCases(ref: ArtifactRef): Promise<SuiteCase[]> {
  return remember(`cases:${ref.sha256}`, async () =>
    (await artifactStore().readText(ref))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as SuiteCase),
  );
}

export function loadSelection(ref: ArtifactRef): Promise<Map<number, FewShotExample[]>> {
  return perCase<FewShotExample[]>(ref, 'fewshot', 'examples');
}

/** A RAG variant's passages per case (retrieveForCases), by case index. */
export function loadRetrieval(ref: ArtifactRef): Promise<Map<number, Passage[]>> {
  return perCase<Passage[]>(ref, 'retrieval', 'passages');
}

/** A per-case JSONL artifact (`{index, <field>}` per line) as a map from case index to the field. */
function perCase<T>(ref: ArtifactRef, kind: string, field: string): Promise<Map<number, T>> {
  return remember(`${kind}:${ref.sha256}`, async () => {
    const out = new Map<number, T>();
    for (const l of (await artifactStore().readText(ref)).split('\n')) {
      if (!l) continue;
      const row = JSON.parse(l) as { index: number } & Record<string, T>;
      out.set(row.index, row[field] as T);
    }
    return out;
  });
}
