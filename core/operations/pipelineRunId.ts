/**
 * The content-derived run ID of a pipeline run (see docs/architecture.md, Content-derived IDs). The same
 * formula as `runIdFor` in
 * cli/stack/startPipeline.ts, repeated here because workflows cannot import that client-side module; a test keeps
 * the two equal.
 */
export function pipelineRunId(pipeline: string, datasetSha256: string, specSha256: string): string {
  return `${pipeline}-${datasetSha256.slice(0, 12)}-${specSha256.slice(0, 12)}`;
}

/** The one dataset watcher a pipeline may have: its ID is its name, so a second start collides. */
export function watcherIdFor(pipeline: string): string {
  return `watch-${pipeline}`;
}

/** An evaluation triggered by a data change, named by the new data so a repeated trigger is a no-op. */
export function changeEvaluationIdFor(pipeline: string, datasetSha256: string): string {
  return `${pipeline}-eval-${datasetSha256.slice(0, 12)}`;
}
