import type { SearchAttributePair } from '@temporalio/common';
import { ApplicationFailure, executeChild, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { decideGate } from '../core/gate/decideGate';
import { pipelineEvalSuite } from '../core/evalSuite/pipelineSuite';
import { budgetRefusal, newSpend, tokenCostUsd } from '../core/pipeline/budget';
import type { Variant, VariantScore } from '../core/pipeline/evaluationTypes';
import type { PipelineInput, PipelineProgress, PipelineResult, StepName } from '../core/pipeline/pipelineTypes';
import { dataActivities } from './activityProxies';
import { deployWorkflow } from './deployWorkflow';
import { evalSuiteWorkflow } from './evalSuiteWorkflow';
import { fineTuneWorkflow } from './fineTuneWorkflow';
import { progressQuery } from './messages';
import { TailorModel, TailorOutcome, TailorPipeline, TailorStage } from './searchAttributes';
import { StepTracker } from './stepTracker';

/**
 * The journey for one pipeline spec on one dataset: prepare → validate → fine-tune → evaluate → deploy.
 * It holds only decisions and references; files, HTTP and the registry live in activities and child workflows.
 */
export async function customizationPipeline(input: PipelineInput): Promise<PipelineResult> {
  const { spec } = input;
  const runId = workflowInfo().workflowId;
  const tracker = new StepTracker();
  const spend = newSpend(spec.budget?.usd);
  setHandler(progressQuery, (): PipelineProgress => ({ runId, pipeline: spec.name, stage: tracker.current, steps: tracker.steps, spend }));
  // Search attributes are set at start by the client; only touch them when the server knows them.
  const indexed = workflowInfo().typedSearchAttributes.get(TailorPipeline) !== undefined;
  const mark = (pairs: SearchAttributePair[]) => indexed && upsertSearchAttributes(pairs);
  const stage = (name: StepName) => mark([{ key: TailorStage, value: name }]);

  try {
    stage('prepare');
    const prepared = await tracker.run(
      'prepare',
      () => dataActivities.prepareDataset({ dataset: spec.dataset, model: spec.baseModel }),
      (p) => `${p.counts.input} in → ${p.counts.kept} kept (train ${p.counts.train}, validation ${p.counts.validation}, test ${p.counts.test})`,
    );

    stage('validate');
    const epochs = spec.fineTune.method.type !== 'reinforcement' ? spec.fineTune.method.hyperparameters.n_epochs : 'auto';
    const validation = await tracker.run(
      'validate',
      async () => {
        const v = await dataActivities.validateDataset({
          dataset: prepared.train,
          model: spec.baseModel,
          method: spec.fineTune.method.type,
          epochs: typeof epochs === 'number' ? epochs : undefined,
        });
        if (!v.valid) {
          const counts = Object.entries(v.errors).map(([k, n]) => `${k}: ${n}`).join(', ');
          throw ApplicationFailure.nonRetryable(`the training data is invalid (${counts}); report ${v.report.uri}`, 'InvalidDataset', v);
        }
        return v;
      },
      (v) => `${v.examples} examples, ${v.tokens.total} tokens, ${v.estimate.epochs} epochs ≈ $${v.estimate.usd.toFixed(4)}`,
    );

    stage('fine-tune');
    const fineTune = await tracker.run(
      'fine-tune',
      async () => {
        // Budget guard: refuse before anything is uploaded, so a refused run costs nothing.
        spend.estimatedUsd['fine-tune'] = validation.estimate.usd;
        const refusal = budgetRefusal(spend, 'fine-tune', validation.estimate.usd);
        if (refusal) throw ApplicationFailure.nonRetryable(refusal, 'BudgetExceeded', { estimateUsd: validation.estimate.usd, budgetUsd: spend.budgetUsd });
        const common = {
          pipeline: spec.name,
          datasetSha256: input.datasetSha256,
          suffix: spec.fineTune.suffix,
          seed: spec.fineTune.seed,
          poll: spec.fineTune.poll,
          provider: spec.provider,
        };
        let model = spec.baseModel;
        let sftTokens = 0;
        const method = spec.fineTune.method;
        if (method.type === 'dpo' && method.supervisedFirst) {
          // Stage 1 of OpenAI's recommended order: supervised on the preferred answers; DPO then starts from it.
          const [sftTrain, sftValidation] = await Promise.all([
            dataActivities.preferredAnswersDataset({ dataset: prepared.train }),
            dataActivities.preferredAnswersDataset({ dataset: prepared.validation }),
          ]);
          const sft = await executeChild(fineTuneWorkflow, {
            workflowId: `${runId}/fine-tune-sft`,
            args: [
              {
                ...common,
                runTag: `${runId}/fine-tune-sft`,
                model,
                train: sftTrain,
                validation: sftValidation,
                method: { type: 'supervised', hyperparameters: method.supervisedFirst },
              },
            ],
          });
          model = sft.model;
          sftTokens = sft.trainedTokens ?? 0;
        }
        const ft = await executeChild(fineTuneWorkflow, {
          workflowId: `${runId}/fine-tune`,
          args: [{ ...common, runTag: `${runId}/fine-tune`, model, train: prepared.train, validation: prepared.validation, method }],
        });
        const actual = tokenCostUsd((ft.trainedTokens ?? validation.estimate.billedTokens) + sftTokens, validation.estimate.pricePerMillion);
        spend.actualUsd['fine-tune'] = actual;
        spend.totalUsd += actual;
        return ft;
      },
      (f) => `${f.model} (job ${f.jobId}, train loss ${f.finalTrainLoss?.toFixed(3) ?? 'n/a'})`,
    );

    stage('evaluate');
    const production = await dataActivities.resolveAlias({ pipeline: spec.name, alias: spec.deploy.alias });
    const variants: Variant[] = [];
    if (spec.baselines.zeroShot) variants.push({ id: 'base-zero-shot', label: 'base, zero-shot', model: spec.baseModel, mode: { type: 'zero-shot' } });
    if (spec.baselines.fewShot) {
      const { k, seed } = spec.baselines.fewShot;
      variants.push({ id: `base-few-shot-${k}`, label: `base, ${k}-shot`, model: spec.baseModel, mode: { type: 'few-shot', k, seed, pool: prepared.train } });
    }
    variants.push({ id: 'fine-tuned', label: 'fine-tuned', model: fineTune.model, mode: { type: 'zero-shot' } });
    if (production && production !== fineTune.model) {
      variants.push({ id: 'production', label: `production (${spec.deploy.alias})`, model: production, mode: { type: 'zero-shot' } });
    }
    // One eval engine for pipelines and `tailor eval`: sharded, cached per case, compared with statistics.
    const suite = pipelineEvalSuite({
      pipeline: spec.name,
      test: prepared.test,
      variants,
      metric: spec.evaluation.metric,
      gate: spec.gate.rules,
      candidate: 'fine-tuned',
      baseline: variants.some((v) => v.id === 'production') ? 'production' : 'base-zero-shot',
      fewShotStrategy: spec.baselines.fewShot?.strategy,
      maxExamples: spec.evaluation.maxExamples,
      execution: { concurrency: spec.evaluation.concurrency },
    });
    const evaluation = await tracker.run(
      'evaluate',
      () => executeChild(evalSuiteWorkflow, { workflowId: `${runId}/evaluate`, args: [{ suite, provider: spec.provider, seed: runId }] }),
      (e) => e.leaderboard.map((s) => `${s.label} ${s.score.toFixed(3)}`).join(', '),
    );

    const find = (id: string): VariantScore | undefined => evaluation.leaderboard.find((s) => s.variantId === id);
    const candidate = find('fine-tuned')!;
    const margin = decideGate({
      candidate,
      production: find('production'),
      // Without a zero-shot baseline, the weakest scored variant stands in for "before this run".
      base: find('base-zero-shot') ?? evaluation.leaderboard[evaluation.leaderboard.length - 1]!,
      minImprovement: spec.gate.minImprovement,
      minScore: spec.gate.minScore,
    });
    // Both must hold: the margin over production and every statistical rule the spec lists.
    const gate =
      spec.gate.rules.length === 0
        ? margin
        : {
            ...margin,
            passed: margin.passed && evaluation.gate.passed,
            reason: evaluation.gate.passed ? `${margin.reason}; ${evaluation.gate.reason}` : evaluation.gate.reason,
            rules: evaluation.gate,
          };

    stage('deploy');
    const deploy = await tracker.run(
      'deploy',
      () =>
        executeChild(deployWorkflow, {
          workflowId: `${runId}/deploy`,
          args: [
            {
              runId,
              pipeline: spec.name,
              alias: spec.deploy.alias,
              gate,
              approval: spec.deploy.approval,
              targets: spec.deploy.targets,
              lineage: {
                provider: spec.provider.type,
                baseModel: spec.baseModel,
                jobId: fineTune.jobId,
                trainSha256: prepared.train.sha256,
                specSha256: input.specSha256,
                evalReportUri: evaluation.reports.json.uri,
              },
              smoke: { test: prepared.test, examples: spec.deploy.smoke.examples, tolerance: spec.deploy.smoke.tolerance, metric: spec.evaluation.metric },
              provider: spec.provider,
            },
          ],
        }),
      (d) => `${d.outcome}: ${d.alias} → ${d.model ?? '(unchanged)'}`,
    );
    tracker.current = 'done';
    mark([
      { key: TailorStage, value: 'done' },
      { key: TailorOutcome, value: deploy.outcome },
      ...(deploy.model ? [{ key: TailorModel, value: deploy.model }] : []),
    ]);

    const result: PipelineResult = {
      runId,
      pipeline: spec.name,
      specSha256: input.specSha256,
      datasetSha256: input.datasetSha256,
      steps: tracker.steps,
      prepared: { train: prepared.train, validation: prepared.validation, test: prepared.test, manifest: prepared.manifest, counts: prepared.counts },
      validation: {
        valid: validation.valid,
        examples: validation.examples,
        tokens: validation.tokens,
        estimate: validation.estimate,
        warnings: validation.warnings,
        report: validation.report,
      },
      fineTune,
      leaderboard: evaluation.leaderboard,
      gate,
      deploy,
      evaluationReport: evaluation.reports.json,
      evaluationHtml: evaluation.reports.html,
      spend,
    };
    await dataActivities.writeRunReport({ result });
    return result;
  } catch (err) {
    mark([{ key: TailorOutcome, value: 'failed' }]);
    throw err;
  }
}
