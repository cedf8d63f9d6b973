import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import type { CaseResult } from '../../core/evalSuite/caseResult';
import { renderMarkdownReport } from '../../core/evalSuite/markdownReport';
import { RECORDED_CHOICES } from '../../core/evalSuite/recordedChoices';
import { caseDiffs, type EvalReportData } from '../../core/evalSuite/reportData';
import { renderHtmlReport } from '../../core/report/htmlReport';
import { artifactStore } from '../../stores/processStores';

/** The report's own fields, as the summary has them, plus each variant's case results by reference. */
export interface RenderEvalReportInput extends Pick<
  EvalReportData,
  'suite' | 'description' | 'primaryMetric' | 'variants' | 'comparisons' | 'gate' | 'candidate' | 'baseline'
> {
  perVariant: Record<string, ArtifactRef>;
}

export interface EvalReports {
  html: ArtifactRef;
  markdown: ArtifactRef;
  /** The report data as JSON (what both renderings show). */
  json: ArtifactRef;
}

/** Renders the run's reports (Markdown, one self-contained HTML file, JSON) into the artifact store. */
export async function renderEvalReport(input: RenderEvalReportInput): Promise<EvalReports> {
  const store = artifactStore();
  const read = async (id: string | undefined) =>
    id && input.perVariant[id]
      ? (await store.readText(input.perVariant[id]!))
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as CaseResult)
      : undefined;
  const cand = await read(input.candidate);
  const base = input.baseline !== input.candidate ? await read(input.baseline) : undefined;
  const { diffs, total } = cand && base ? caseDiffs(cand, base) : { diffs: [], total: 0 };
  const data: EvalReportData = {
    suite: input.suite,
    ...(input.description ? { description: input.description } : {}),
    generatedAt: new Date().toISOString(),
    primaryMetric: input.primaryMetric,
    variants: input.variants,
    comparisons: input.comparisons,
    ...(input.gate ? { gate: input.gate } : {}),
    ...(input.candidate ? { candidate: input.candidate } : {}),
    ...(base && input.baseline ? { baseline: input.baseline } : {}),
    diffs,
    diffTotal: total,
    choices: RECORDED_CHOICES,
  };
  const [html, markdown, json] = await Promise.all([
    store.put(renderHtmlReport(data), { name: 'eval-report.html' }),
    store.put(renderMarkdownReport(data), { name: 'eval-report.md' }),
    store.put(JSON.stringify(data, null, 2) + '\n', { name: 'eval-report.json' }),
  ]);
  return { html, markdown, json };
}
