import type { SearchAttributePair } from '@temporalio/common';
import {
  ApplicationFailure,
  executeChild,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { cheapestPassing, type CheapestPassing } from '../core/gate/cheapestPassing';
import { combineGate } from '../core/gate/combineGate';
import { decideGate } from '../core/gate/decideGate';
import type { EvalSuiteResult } from '../core/evalSuite/evalSuiteRun';
import { leaderboardDetail } from '../core/evalSuite/leaderboardDetail';
import { pipelineEvalSuite } from '../core/evalSuite/pipelineSuite';
import { budgetRefusal, newSpend, remainingUsd, tokenCostUsd } from '../core/pipeline/budget';
import type { Variant, VariantScore } from '../core/evalSuite/evaluationTypes';
import type { PipelineInput, PipelineProgress, PipelineResult, StepName } from '../core/pipeline/pipelineTypes';
import { activityProxies } from './activityProxies';
import { deployWorkflow } from './deployWorkflow';
import { evalSuiteWorkflow } from './evalSuiteWorkflow';
import { fineTuneWorkflow } from './fineTuneWorkflow';
import { progressQuery } from './messages';
import { TailorModel, TailorOutcome, TailorPipeline, TailorStage } from '../core/operations/searchAttributes';
import { StepTracker } from './stepTracker';

/**
 * The journey for one pipeline spec on one dataset: prepare → validate → fine-tune → evaluate → deploy.
 * It holds only decisions and references; files, HTTP and the registry live in activities and child workflows.
 */
export async function customizationPipeline(input: PipelineInput): Promise<PipelineResult> {
  const { spec } = input;
  // The spec's `timeouts:` over the table's defaults (activity options never change the command order).
  const { dataActivities, providerActivities } = activityProxies(spec.timeouts);
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
      // The bytes prepared must be the bytes the run is named after (an activity input only: replay-safe).
      () => dataActivities.prepareDataset({ dataset: spec.dataset, model: spec.baseModel, expectedSha256: input.datasetSha256 }),
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
          limits: spec.dataset.limits,
        });
        if (!v.valid) {
          const counts = Object.entries(v.errors).map(([k, n]) => `${k}: ${n}`).join(', ');
          throw ApplicationFailure.nonRetryable(`the training data is invalid (${counts}); report ${v.report.uri}`, 'InvalidDataset', v);
        }
        return v;
      },
      (v) => `${v.examples} examples, ${v.tokens.total} tokens, ${v.estimate.epochs} epochs ≈ $${v.estimate.usd.toFixed(4)}`,
    );

    // What every result carries, however the run ends.
    const common = () => ({
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
      spend,
    });

    // The cheaper variants, in the journey's order: zero-shot, prompt templates, few-shot.
    const cheaper: Variant[] = [];
    if (spec.baselines.zeroShot) cheaper.push({ id: 'base-zero-shot', label: 'base, zero-shot', model: spec.baseModel, mode: { type: 'zero-shot' } });
    for (const t of input.prompts ?? []) {
      cheaper.push({ id: `base-prompt-${t.name}`, label: `base, prompt ${t.name}`, model: spec.baseModel, mode: { type: 'zero-shot' }, prompt: t });
    }
    if (spec.baselines.rag) {
      // The index lives under the run's pipeline name, so every run refreshes the same one incrementally.
      const { docs, k, hybrid, mmr, budgetTokens, embeddingModel } = spec.baselines.rag;
      const index = `${input.indexRoot ?? '.tailor/indexes'}/${spec.name}`;
      const rag = { docs, index, k, hybrid, ...(mmr !== undefined ? { mmrLambda: mmr } : {}), ...(budgetTokens ? { budgetTokens } : {}), ...(embeddingModel ? { embeddingModel } : {}) };
      cheaper.push({ id: 'base-rag', label: `base + retrieval (k=${k})`, model: spec.baseModel, mode: { type: 'zero-shot' }, rag });
    }
    if (spec.baselines.fewShot) {
      const { k, seed } = spec.baselines.fewShot;
      cheaper.push({ id: `base-few-shot-${k}`, label: `base, ${k}-shot`, model: spec.baseModel, mode: { type: 'few-shot', k, seed, pool: prepared.train } });
    }
    const productionVariant = (model: string): Variant => ({ id: 'production', label: `production (${spec.deploy.alias})`, model, mode: { type: 'zero-shot' } });
    // One eval engine for pipelines and `tailor eval`: sharded, cached per case, compared with statistics.
    const suiteOf = (variants: Variant[], judged: { candidate: string; gateCandidates?: string[] }) =>
      pipelineEvalSuite({
        pipeline: spec.name,
        test: prepared.test,
        variants,
        metric: spec.evaluation.metric,
        gate: spec.gate.rules,
        ...judged,
        baseline: variants.some((v) => v.id === 'production') ? 'production' : 'base-zero-shot',
        fewShotStrategy: spec.baselines.fewShot?.strategy,
        maxExamples: spec.evaluation.maxExamples,
        execution: { concurrency: spec.evaluation.concurrency },
      });
    const describeEval = (e: EvalSuiteResult) => leaderboardDetail(e.leaderboard);

    // Fail before spending: the model the gate compares against and the base model must exist at the provider.
    if (patched('preflight')) {
      const { name: pipeline, baseModel, provider } = spec;
      await providerActivities.preflightCheck({ pipeline, alias: spec.deploy.alias, baseModel, provider });
    }

    // `fineTune.when: needed` — start simple: score the cheaper variants first and keep the cheapest that passes.
    let production: string | null | undefined;
    let judged: CheapestPassing | undefined;
    if (spec.fineTune.when === 'needed') {
      stage('evaluate');
      production = await dataActivities.resolveAlias({ pipeline: spec.name, alias: spec.deploy.alias });
      const candidates = cheaper.map((v) => v.id);
      const early = await tracker.run(
        'evaluate',
        () =>
          executeChild(evalSuiteWorkflow, {
            workflowId: `${runId}/evaluate-baselines`,
            args: [{ suite: suiteOf([...cheaper, ...(production ? [productionVariant(production)] : [])], { candidate: candidates[0]!, gateCandidates: candidates }), provider: spec.provider, seed: runId, timeouts: spec.timeouts }],
          }),
        describeEval,
      );
      judged = cheapestPassing({
        leaderboard: early.leaderboard,
        candidates,
        gates: early.gates,
        productionId: production ? 'production' : undefined,
        baseId: 'base-zero-shot',
        minImprovement: spec.gate.minImprovement,
        minScore: spec.gate.minScore,
        ruleCount: spec.gate.rules.length,
      });
      if (judged.chosen) {
        const chosen = judged.chosen;
        const score = early.leaderboard.find((s) => s.variantId === chosen.variantId)!;
        const why = `fine-tuning not needed: ${chosen.label} passed the gate (${chosen.gate.reason})`;
        tracker.skip('fine-tune', why);
        tracker.skip('deploy', `${spec.deploy.alias} unchanged: the registry's aliases name models, and the kept variant is a prompt on the base model`);
        tracker.current = 'done';
        mark([
          { key: TailorStage, value: 'done' },
          { key: TailorOutcome, value: 'not_needed' },
        ]);
        const result: PipelineResult = {
          ...common(),
          fineTune: null,
          leaderboard: early.leaderboard,
          cheaper: { verdicts: judged.verdicts, chosen: { ...chosen, model: score.model, ...(score.promptVersion ? { promptVersion: score.promptVersion } : {}) } },
          gate: chosen.gate,
          deploy: { outcome: 'not_needed', alias: spec.deploy.alias, model: null, previous: production ?? null, reason: why },
          evaluationReport: early.reports.json,
          evaluationHtml: early.reports.html,
        };
        await dataActivities.writeRunReport({ result });
        return result;
      }
    }

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
          timeouts: spec.timeouts,
          // Your own hardware is paid by the hour: the trainer's workflow stops training when the budget is used up.
          ...(spec.provider?.type === 'self-hosted' && spec.provider.usdPerHour && spend.budgetUsd !== null ? { budgetLeftUsd: remainingUsd(spend) } : {}),
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
        // Self-hosted training costs machine time (usdPerHour), not tokens at a provider's price.
        const actual = ft.selfHosted
          ? (ft.selfHosted.costUsd ?? 0)
          : tokenCostUsd((ft.trainedTokens ?? validation.estimate.billedTokens) + sftTokens, validation.estimate.pricePerMillion);
        spend.actualUsd['fine-tune'] = actual;
        spend.totalUsd += actual;
        return ft;
      },
      (f) => `${f.model} (job ${f.jobId}, train loss ${f.finalTrainLoss?.toFixed(3) ?? 'n/a'})`,
    );

    stage('evaluate');
    // Resolved once: before the cheaper round under `when: needed`, here otherwise (the order older runs replay).
    if (production === undefined) production = await dataActivities.resolveAlias({ pipeline: spec.name, alias: spec.deploy.alias });
    const variants: Variant[] = [...cheaper, { id: 'fine-tuned', label: 'fine-tuned', model: fineTune.model, mode: { type: 'zero-shot' } }];
    if (production && production !== fineTune.model) variants.push(productionVariant(production));
    // Under `when: needed` the cheaper variants' cases come from the result cache: nothing is paid twice.
    const evaluation = await tracker.run(
      'evaluate',
      () => executeChild(evalSuiteWorkflow, { workflowId: `${runId}/evaluate`, args: [{ suite: suiteOf(variants, { candidate: 'fine-tuned' }), provider: spec.provider, seed: runId, timeouts: spec.timeouts }] }),
      describeEval,
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
    const gate = combineGate(margin, evaluation.gate, spec.gate.rules.length);

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
                ...(fineTune.selfHosted ? { details: { ...fineTune.selfHosted } } : {}),
              },
              smoke: { test: prepared.test, examples: spec.deploy.smoke.examples, tolerance: spec.deploy.smoke.tolerance, metric: spec.evaluation.metric },
              provider: spec.provider,
              timeouts: spec.timeouts,
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
      ...common(),
      fineTune,
      leaderboard: evaluation.leaderboard,
      ...(judged ? { cheaper: { verdicts: judged.verdicts } } : {}),
      gate,
      deploy,
      evaluationReport: evaluation.reports.json,
      evaluationHtml: evaluation.reports.html,
    };
    await dataActivities.writeRunReport({ result });
    return result;
  } catch (err) {
    mark([{ key: TailorOutcome, value: 'failed' }]);
    throw err;
  }
}
