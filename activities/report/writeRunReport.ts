import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { tailorHome } from '../../config/paths';
import { artifactStore } from '../../stores/processStores';
import type { PipelineResult } from '../../core/pipeline/pipelineTypes';
import { renderRunReport } from '../../core/report/renderRunReport';

/** Writes `.tailor/reports/<run>/report.{json,md}` atomically (temp file, then rename). */
export async function writeRunReport(input: { result: PipelineResult }): Promise<{ dir: string }> {
  const dir = path.join(tailorHome(), 'reports', input.result.runId.replace(/[^A-Za-z0-9._-]+/g, '_'));
  await fs.mkdir(dir, { recursive: true });
  await writeAtomic(path.join(dir, 'report.json'), JSON.stringify(input.result, null, 2) + '\n');
  await writeAtomic(path.join(dir, 'report.md'), renderRunReport(input.result));
  if (input.result.evaluationHtml) {
    await writeAtomic(path.join(dir, 'evaluation.html'), await artifactStore().readText(input.result.evaluationHtml));
  }
  return { dir };
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
