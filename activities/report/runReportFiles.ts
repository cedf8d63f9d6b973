import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { tailorHome } from '../../config/paths';
import type { PipelineResult } from '../../core/pipeline/pipelineTypes';
import { renderRunReport } from '../../core/report/renderRunReport';
import { artifactStore } from '../../stores/processStores';

/** `$TAILOR_HOME/reports/<run>`, the run ID made safe as a directory name. */
export function runReportDir(runId: string): string {
  return path.join(tailorHome(), 'reports', runId.replace(/[^A-Za-z0-9._-]+/g, '_'));
}

/**
 * Writes a run's report files into `dir`: `report.json` (the pipeline's result), `report.md` (rendered from it) and
 * `evaluation.html` (read from the artifact store). Everything they hold is in the workflow's result or the artifact
 * store, so any host that reaches both writes the same files. Each is written whole (temp file, then rename), and
 * `report.md` last: a directory holding it is complete.
 */
export async function materialiseRunReport(result: PipelineResult, dir = runReportDir(result.runId)): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  if (result.evaluationHtml) {
    await writeAtomic(path.join(dir, 'evaluation.html'), await artifactStore().readText(result.evaluationHtml));
  }
  await writeAtomic(path.join(dir, 'report.json'), JSON.stringify(result, null, 2) + '\n');
  await writeAtomic(path.join(dir, 'report.md'), renderRunReport(result));
  return dir;
}

/**
 * For a CLI on another host than the worker that wrote the report: this host's report directory for the run,
 * written from the result (and the artifact store) when it has no complete one yet.
 */
export async function ensureRunReport(result: PipelineResult): Promise<string> {
  const dir = runReportDir(result.runId);
  const complete = await fs.stat(path.join(dir, 'report.md')).then(
    () => true,
    () => false,
  );
  return complete ? dir : materialiseRunReport(result, dir);
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    await fs.writeFile(tmp, text);
    await fs.rename(tmp, file);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}
