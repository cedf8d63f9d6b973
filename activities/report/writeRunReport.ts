import type { PipelineResult } from '../../core/pipeline/pipelineTypes';
import { materialiseRunReport } from './runReportFiles';

/**
 * Writes `.tailor/reports/<run>/report.{json,md}` (and `evaluation.html`) on the worker's host, each file atomically.
 * A CLI on another host writes the same files from the workflow's result (see `ensureRunReport`).
 */
export async function writeRunReport(input: { result: PipelineResult }): Promise<{ dir: string }> {
  return { dir: await materialiseRunReport(input.result) };
}
