import type { LoadedTemplate } from '../evalSuite/evalSuiteTypes';
import type { PipelineSpec } from '../pipeline/pipelineSpec';
import type { SunsetFinding } from './sunsetReport';

/** A pipeline to run when a base model behind one of its aliases is being shut down (resolved by the CLI). */
export interface SunsetSuccessor {
  /** The pipeline whose aliases it serves (the spec's name), so its gate compares with their current model. */
  pipeline: string;
  /** Only on the sunset of this base model; any base model when omitted. */
  onBase?: string;
  /** The spec to run, with its successor base model or provider already applied. */
  spec: PipelineSpec;
  specSha256: string;
  /** The spec's `baselines.prompts` templates and RAG index root, resolved by the client. */
  prompts?: LoadedTemplate[];
  indexRoot?: string;
  /** Where it was read from, for reports. */
  file: string;
}

/** What the sunset watch did about one successor. */
export interface SunsetFollowUp {
  pipeline: string;
  /** The shutting-down base model(s) that called for it. */
  sunsetting: string[];
  successorBaseModel: string;
  datasetSha256: string;
  workflowId: string;
  /** False when a run with this ID already existed: the follow-up was started before. */
  started: boolean;
}

/**
 * The successors the findings call for, each once: two aliases of one pipeline on the same doomed base start one
 * run, not two. Order follows the successor list, so the workflow's commands are the same on every replay.
 */
export function successorsDue(
  findings: SunsetFinding[],
  successors: SunsetSuccessor[],
): { successor: SunsetSuccessor; sunsetting: string[] }[] {
  const out: { successor: SunsetSuccessor; sunsetting: string[] }[] = [];
  for (const successor of successors) {
    const hits = findings.filter(
      (f) => f.pipeline === successor.pipeline && (!successor.onBase || successor.onBase === f.baseModel),
    );
    if (hits.length) out.push({ successor, sunsetting: [...new Set(hits.map((f) => f.baseModel))] });
  }
  return out;
}
