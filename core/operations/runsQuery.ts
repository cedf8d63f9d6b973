/** The filters `tailor runs` takes; every one is optional. */
export interface RunsFilter {
  pipeline?: string;
  datasetSha?: string;
  outcome?: string;
  /** Only runs started at or after this instant (ms since epoch). */
  sinceMs?: number;
  /**
   * Include every Tailor workflow (scheduled wrappers, watchers, triggered evaluations, and with no other filter eval
   * suites, prompt searches, rollbacks, index builds and sunset checks started from the CLI), not just pipeline runs
   * and online-evaluation alerts.
   */
  all?: boolean;
}

/**
 * Top-level runs that carry no `TailorPipeline` attribute (their children, e.g. a pipeline's evaluation, are left out).
 */
const UNTAGGED_TYPES = [
  'evalSuiteWorkflow',
  'promptSearchWorkflow',
  'rollbackWorkflow',
  'buildIndexWorkflow',
  'sunsetWatchWorkflow',
];

const PIPELINES_AND_ALERTS =
  `(WorkflowType = 'customizationPipeline' OR ` +
  `(WorkflowType = 'onlineEvalWorkflow' AND TailorOutcome = 'below-threshold'))`;

/** Visibility values are quoted strings; a quote inside one must not end it early. */
function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * A Temporal visibility query over Tailor's search attributes, the same text the Web UI's filter box accepts.
 * A dataset filter may be a prefix of the sha256 (the 12 characters in run IDs) as well as the whole hash.
 */
export function runsQuery(f: RunsFilter): string {
  const parts: string[] = [];
  // Besides pipeline runs, the online-evaluation ticks that raised an alert: a model under its threshold is news.
  if (!f.all) parts.push(PIPELINES_AND_ALERTS);
  else if (f.pipeline || f.datasetSha || f.outcome) parts.push('TailorPipeline IS NOT NULL');
  else
    parts.push(
      `(TailorPipeline IS NOT NULL OR (ParentWorkflowId IS NULL AND WorkflowType IN (` +
        `${UNTAGGED_TYPES.map(quote).join(', ')})))`,
    );
  if (f.pipeline) parts.push(`TailorPipeline = ${quote(f.pipeline)}`);
  if (f.datasetSha)
    parts.push(
      f.datasetSha.length === 64
        ? `TailorDatasetSha = ${quote(f.datasetSha)}`
        : `TailorDatasetSha STARTS_WITH ${quote(f.datasetSha)}`,
    );
  if (f.outcome) parts.push(`TailorOutcome = ${quote(f.outcome)}`);
  if (f.sinceMs !== undefined) parts.push(`StartTime >= ${quote(new Date(f.sinceMs).toISOString())}`);
  return parts.join(' AND ');
}
