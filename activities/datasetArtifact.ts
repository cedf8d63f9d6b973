import { artifactStore } from '../stores/processStores';

const ARTIFACT_URI = /^artifact:sha256:([0-9a-f]{64})$/;

/** True for an artifact's URI (`artifact:sha256:<hex>`) in place of a file path. */
export function isArtifactUri(p: string): boolean {
  return ARTIFACT_URI.test(p);
}

/**
 * The file to read for a `dataset.path`: a path is itself; an artifact's URI (what a `source: feedback` or
 * `source: capture` export hands the pipeline) is that artifact's copy on this host, fetched from the worker's
 * artifact store (the disk, or the shared bucket), so the run reads it whichever host wrote it.
 */
export async function datasetFile(p: string): Promise<string> {
  const sha256 = ARTIFACT_URI.exec(p)?.[1];
  return sha256 ? artifactStore().localPath({ sha256 }) : p;
}
