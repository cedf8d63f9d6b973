import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { searchReportMarkdown, type SearchReportData } from '../../core/promptSearch/searchReport';
import { artifactStore } from '../../stores/processStores';

/** Stores the search's report as Markdown and JSON artifacts, so history carries only their references. */
export async function writePromptSearchReport(
  data: SearchReportData,
): Promise<{ markdown: ArtifactRef; json: ArtifactRef }> {
  const store = artifactStore();
  const markdown = await store.put(searchReportMarkdown(data), { name: 'prompt-search.md' });
  const json = await store.put(JSON.stringify(data, null, 2) + '\n', { name: 'prompt-search.json' });
  return { markdown, json };
}
