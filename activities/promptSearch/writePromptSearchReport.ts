import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { searchReportMarkdown, type SearchReportData } from '../../core/promptSearch/searchReport';
import { ArtifactStore } from '../../stores/artifacts/artifactStore';

/** Stores the search's report as Markdown and JSON artifacts, so history carries only their references. */
export async function writePromptSearchReport(data: SearchReportData): Promise<{ markdown: ArtifactRef; json: ArtifactRef }> {
  const store = new ArtifactStore();
  const markdown = await store.put(searchReportMarkdown(data), { name: 'prompt-search.md' });
  const json = await store.put(JSON.stringify(data, null, 2) + '\n', { name: 'prompt-search.json' });
  return { markdown, json };
}
