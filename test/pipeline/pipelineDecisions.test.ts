import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import type { VariantScore } from '../../core/evalSuite/evaluationTypes';
import { fineTunedGate } from '../../core/gate/fineTunedGate';
import { fineTuneCostUsd, fineTuneRequest } from '../../core/pipeline/fineTuneRequest';
import { newSpend } from '../../core/pipeline/budget';
import { PipelineSpecSchema, type PipelineSpecInput } from '../../core/pipeline/pipelineSpec';
import type { PipelineInput } from '../../core/pipeline/pipelineTypes';
import { cheaperVariants, fineTunedVariants } from '../../core/pipeline/pipelineVariants';
import { PromptTemplateSchema } from '../../core/prompts/promptTemplate';
import type { SelfHostedDetails } from '../../core/fineTune/selfHosted';
import type { GateRuleDecision } from '../../core/stats/gateRules';

/** The pure decisions customizationPipeline's phases take (workflows/pipeline/), on parsed specs. */
const ref = (name: string): ArtifactRef => ({ uri: `file:///tmp/${name}`, sha256: name.padEnd(64, '0'), bytes: 1 });
const inputOf = (spec: Partial<PipelineSpecInput>, extra: Partial<PipelineInput> = {}): PipelineInput => ({
  spec: PipelineSpecSchema.parse({
    name: 'tickets',
    baseModel: 'base-model',
    dataset: { path: 'data.jsonl' },
    fineTune: {},
    ...spec,
  }),
  specSha256: 'spec',
  datasetSha256: 'data',
  ...extra,
});
const selfHosted: SelfHostedDetails = {
  method: 'lora',
  baseModelPath: '/models/base',
  adapterSha256: 'a',
  adapterPath: '/adapters/a',
  trainableParams: 1,
  totalParams: 2,
  steps: 3,
  resumedFromStep: 0,
  hyperparameters: {},
};
const score = (variantId: string, value: number): VariantScore => ({
  variantId,
  label: variantId,
  model: `${variantId}-model`,
  score: value,
  correct: value * 100,
  n: 100,
  interval: { low: value, high: value },
  promptTokens: 0,
  completionTokens: 0,
  outputs: ref(variantId),
});

describe('the run variants', () => {
  it('lists the cheaper variants in the journey order: zero-shot, prompts, retrieval, few-shot', () => {
    const input = inputOf(
      { baselines: { zeroShot: true, rag: { docs: 'docs', k: 3 }, fewShot: { k: 4, seed: 's' } } },
      {
        prompts: [
          {
            name: 'strict',
            version: 'v1',
            template: PromptTemplateSchema.parse({
              name: 'strict',
              system: 'Label tickets.',
              user: 'Classify: {{ticket}}',
              variables: ['ticket'],
            }),
          },
        ],
        indexRoot: '/idx',
      },
    );
    const train = ref('train');
    const variants = cheaperVariants(input, train);
    expect(variants.map((v) => v.id)).toEqual(['base-zero-shot', 'base-prompt-strict', 'base-rag', 'base-few-shot-4']);
    expect(variants.every((v) => v.model === 'base-model')).toBe(true);
    expect(variants[2]!.rag).toMatchObject({ docs: 'docs', index: '/idx/tickets', k: 3 });
    expect(variants[3]!.mode).toEqual({ type: 'few-shot', k: 4, seed: 's', pool: train });
  });

  it('adds production after the fine-tuned model unless the alias already names it', () => {
    const cheaper = cheaperVariants(inputOf({}), ref('train'));
    expect(fineTunedVariants(cheaper, 'ft-1', 'prod-0', 'prod').map((v) => `${v.id}:${v.model}`)).toEqual([
      'base-zero-shot:base-model',
      'fine-tuned:ft-1',
      'production:prod-0',
    ]);
    expect(fineTunedVariants(cheaper, 'ft-1', 'ft-1', 'prod').map((v) => v.id)).toEqual([
      'base-zero-shot',
      'fine-tuned',
    ]);
    expect(fineTunedVariants(cheaper, 'ft-1', null, 'prod').map((v) => v.id)).toEqual(['base-zero-shot', 'fine-tuned']);
  });
});

describe('fine-tuning under a budget', () => {
  it('gives self-hosted training paid by the hour what is left of the budget, and nobody else', () => {
    const spend = { ...newSpend(10), totalUsd: 4 };
    const hosted = inputOf({
      budget: { usd: 10 },
      baseModel: 'smollm2-135m-instruct',
      provider: { type: 'self-hosted', usdPerHour: 2, servingBaseUrl: 'http://127.0.0.1:9/v1' },
    });
    expect(fineTuneRequest(hosted, spend).budgetLeftUsd).toBe(6);
    expect(fineTuneRequest(inputOf({ budget: { usd: 10 } }), spend)).not.toHaveProperty('budgetLeftUsd');
  });

  it('prices tokens at the provider, the estimate when none are reported, and machine time when self-hosted', () => {
    const estimate = { epochs: 3, billedTokens: 2_000_000, usd: 6, pricePerMillion: 3, model: 'base-model' };
    expect(fineTuneCostUsd({ trainedTokens: 1_000_000 }, 500_000, estimate)).toBeCloseTo(4.5);
    expect(fineTuneCostUsd({ trainedTokens: null }, 0, estimate)).toBeCloseTo(6);
    expect(fineTuneCostUsd({ trainedTokens: 1, selfHosted: { ...selfHosted, costUsd: 0.25 } }, 0, estimate)).toBe(0.25);
  });
});

describe("the fine-tuned model's gate", () => {
  const noRules: GateRuleDecision = { passed: true, candidate: 'fine-tuned', reason: 'no rules', rules: [] };

  it('compares with production when it was scored, else with the base zero-shot variant', () => {
    const limits = { minImprovement: 0.05, minScore: 0, ruleCount: 0 };
    const withProd = {
      leaderboard: [score('fine-tuned', 0.9), score('production', 0.88), score('base-zero-shot', 0.5)],
      gate: noRules,
    };
    expect(fineTunedGate(withProd, limits)).toMatchObject({ passed: false, baseline: { variantId: 'production' } });
    const noProd = { leaderboard: [score('fine-tuned', 0.9), score('base-zero-shot', 0.5)], gate: noRules };
    expect(fineTunedGate(noProd, limits)).toMatchObject({ passed: true, baseline: { variantId: 'base-zero-shot' } });
  });

  it('without a zero-shot baseline, the weakest scored variant stands in for "before this run"', () => {
    const board = {
      leaderboard: [score('fine-tuned', 0.7), score('base-few-shot-5', 0.6), score('base-rag', 0.4)],
      gate: noRules,
    };
    expect(fineTunedGate(board, { minImprovement: 0, minScore: 0, ruleCount: 0 }).baseline.variantId).toBe('base-rag');
  });

  it('fails when a statistical rule fails, even with the margin met', () => {
    const failed: GateRuleDecision = {
      passed: false,
      candidate: 'fine-tuned',
      reason: 'accuracy >= 0.95 failed',
      rules: [],
    };
    const board = { leaderboard: [score('fine-tuned', 0.9), score('base-zero-shot', 0.5)], gate: failed };
    expect(fineTunedGate(board, { minImprovement: 0, minScore: 0, ruleCount: 1 })).toMatchObject({
      passed: false,
      reason: 'accuracy >= 0.95 failed',
    });
  });
});
