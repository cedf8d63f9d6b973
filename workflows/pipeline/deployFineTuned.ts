import { executeChild } from '@temporalio/workflow';
import type { EvalSuiteResult } from '../../core/evalSuite/evalSuiteRun';
import { deployRequest } from '../../core/pipeline/deployRequest';
import type { FineTuneResult } from '../../core/pipeline/fineTuneTypes';
import type { DeployResult, GateDecision } from '../../core/pipeline/pipelineTypes';
import { deployWorkflow } from '../deployWorkflow';
import type { PipelineRun, RunData } from './pipelineRun';

/**
 * Phase 5: the deploy child registers the model's lineage and, when the gate passed and approval allows it, moves
 * the alias, smoke-checks it and rolls back on a failed check.
 */
export async function deployFineTuned(
  run: PipelineRun,
  data: RunData,
  fineTune: FineTuneResult,
  evaluation: EvalSuiteResult,
  gate: GateDecision,
): Promise<DeployResult> {
  const { runId } = run;
  run.stage('deploy');
  const request = deployRequest(
    run.input,
    { runId, prepared: data.prepared, fineTune, evalReportUri: evaluation.reports.json.uri },
    gate,
  );
  return run.tracker.run(
    'deploy',
    () => executeChild(deployWorkflow, { workflowId: `${runId}/deploy`, args: [request] }),
    (d) => `${d.outcome}: ${d.alias} → ${d.model ?? '(unchanged)'}`,
  );
}
