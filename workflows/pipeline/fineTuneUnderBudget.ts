import { ApplicationFailure, executeChild } from '@temporalio/workflow';
import { Failure } from '../../core/failures/failureTypes';
import { budgetRefusal } from '../../core/pipeline/budget';
import { fineTuneCostUsd, fineTuneRequest, type FineTuneRequest } from '../../core/pipeline/fineTuneRequest';
import type { FineTuneResult } from '../../core/pipeline/fineTuneTypes';
import { fineTuneWorkflow } from '../fineTuneWorkflow';
import { describeCheckpoints } from '../../core/fineTune/bestCheckpoint';
import { chooseCheckpoint } from './chooseCheckpoint';
import type { PipelineRun, RunData } from './pipelineRun';

/**
 * Phase 3: fine-tune under the budget. The estimate is checked before anything is uploaded, so a refused run
 * costs nothing; what training cost is added to the run's spend.
 */
export async function fineTuneUnderBudget(run: PipelineRun, data: RunData): Promise<FineTuneResult> {
  const { spec, spend, runId } = run;
  const { estimate } = data.validation;
  run.stage('fine-tune');
  return run.tracker.run(
    'fine-tune',
    async () => {
      spend.estimatedUsd['fine-tune'] = estimate.usd;
      const refusal = budgetRefusal(spend, 'fine-tune', estimate.usd);
      if (refusal) {
        throw ApplicationFailure.nonRetryable(refusal, Failure.BudgetExceeded, {
          estimateUsd: estimate.usd,
          budgetUsd: spend.budgetUsd,
        });
      }
      const request = fineTuneRequest(run.input, spend);
      const first = await supervisedFirst(run, data, request);
      const method = spec.fineTune.method;
      const { train, validation } = data.prepared;
      const ft = await executeChild(fineTuneWorkflow, {
        workflowId: `${runId}/fine-tune`,
        args: [
          {
            ...request,
            runTag: `${runId}/fine-tune`,
            model: first?.model ?? spec.baseModel,
            train,
            validation,
            method,
          },
        ],
      });
      const actual = fineTuneCostUsd(ft, first?.trainedTokens ?? 0, estimate);
      spend.actualUsd['fine-tune'] = actual;
      spend.totalUsd += actual;
      return chooseCheckpoint(run, data, ft);
    },
    (f) =>
      `${f.model} (job ${f.jobId}, train loss ${f.finalTrainLoss?.toFixed(3) ?? 'n/a'})` +
      (f.checkpoints ? `; ${describeCheckpoints(f.checkpoints.scores, f.checkpoints.chosen)}` : ''),
  );
}

/**
 * DPO with `supervisedFirst`, stage 1 of OpenAI's recommended order: supervised training on the preferred
 * answers, which DPO then starts from. Undefined for every other method.
 */
async function supervisedFirst(
  run: PipelineRun,
  data: RunData,
  request: FineTuneRequest,
): Promise<FineTuneResult | undefined> {
  const method = run.spec.fineTune.method;
  if (method.type !== 'dpo' || !method.supervisedFirst) return undefined;
  const [train, validation] = await Promise.all([
    run.dataActivities.preferredAnswersDataset({ dataset: data.prepared.train }),
    run.dataActivities.preferredAnswersDataset({ dataset: data.prepared.validation }),
  ]);
  const runTag = `${run.runId}/fine-tune-sft`;
  return executeChild(fineTuneWorkflow, {
    workflowId: runTag,
    args: [
      {
        ...request,
        runTag,
        model: run.spec.baseModel,
        train,
        validation,
        method: { type: 'supervised', hyperparameters: method.supervisedFirst },
      },
    ],
  });
}
