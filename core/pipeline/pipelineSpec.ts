import { z } from 'zod';
import { DurationSchema as Duration } from '../spec/duration';
import { DatasetSpecSchema } from '../spec/datasetSpec';
import { DeploySpecSchema } from '../spec/deploySpec';
import { DistillSpecSchema } from '../spec/distillSpec';
import { ProviderSpecSchema } from '../spec/providerSpec';
import { RagOptionsSchema } from '../spec/ragSpec';
import { TimeoutsSpecSchema } from './timeoutsSpec';
import { isCatalogueModel, unknownBaseModelMessage } from '../fineTune/baseModelCatalog';
import { FineTuneMethodSchema } from '../fineTune/fineTuneMethod';
import { FewShotStrategySchema } from '../fewshot/fewShotSpec';
import { GateRuleSchema } from '../stats/gateRules';

export const PollSchema = z
  .object({
    /** First wait between status checks. @default '5s' */
    initial: Duration.default('5s'),
    /** Longest wait between status checks. @default '2 minutes' */
    max: Duration.default('2 minutes'),
    /** Growth of the wait after each check that saw no change. @default 2 */
    factor: z.number().min(1).max(10).default(2),
  })
  .strict();

export const PipelineSpecSchema = z
  .object({
    /**
     * Names the pipeline; part of every run ID, the alias namespace in the registry, and search attribute
     * TailorPipeline.
     */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected lowercase letters, digits and dashes (at most 63)'),
    description: z.string().optional(),
    /** The provider, by environment-variable names (never secret values). @default { type: 'default' } */
    provider: ProviderSpecSchema.default({ type: 'default' }),
    /** The base model every variant starts from. */
    baseModel: z.string().min(1),
    dataset: DatasetSpecSchema,
    /** Zero- and few-shot baselines scored next to the fine-tuned model. */
    baselines: z
      .object({
        zeroShot: z.boolean().default(true),
        /**
         * Prompt-template files (paths relative to the spec), each scored zero-shot on the base model as its own
         * variant, `base, prompt <name>`; the template's content hash is the version in every result. @default none
         */
        prompts: z.array(z.string().min(1)).optional(),
        /**
         * A retrieval-augmented variant of the base model, `base + retrieval`: `docs` (a folder, file or corpus
         * manifest, relative to the spec) are indexed (incrementally) and each case is answered with its top `k`
         * passages. @default none
         */
        rag: RagOptionsSchema.extend({ docs: z.string().min(1) })
          .strict()
          .optional(),
        fewShot: z
          .object({
            k: z.number().int().min(1).max(20).default(5),
            seed: z.string().default('tailor'),
            /** How examples are picked per case: random (seeded), similar, mmr or fixed. @default random with `seed` */
            strategy: FewShotStrategySchema.optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({ zeroShot: true }),
    fineTune: z
      .object({
        /**
         * `always` fine-tunes on every run; `needed` first scores the cheaper variants (zero-shot, prompts,
         * few-shot) and fine-tunes only when none of them passes the gate. @default 'always' (left unset so
         * older specs keep their hash and run ID)
         */
        when: z.enum(['always', 'needed']).optional(),
        method: FineTuneMethodSchema.default({
          type: 'supervised',
          hyperparameters: { n_epochs: 'auto', batch_size: 'auto', learning_rate_multiplier: 'auto' },
        }),
        /** Up to 64 characters, added to the fine-tuned model's name. */
        suffix: z.string().max(64).optional(),
        seed: z.number().int().optional(),
        poll: PollSchema.default({ initial: '5s', max: '2 minutes', factor: 2 }),
        /**
         * Which model goes to the gate: `last`, the job's final model; `best`, the job's checkpoint that scores best
         * on the validation split (ties go to the later step; the test split stays held out for the gate).
         * @default 'last' (left unset so older specs keep their hash and run ID)
         */
        checkpoints: z.enum(['last', 'best']).optional(),
      })
      .strict(),
    evaluation: z
      .object({
        /** How an answer is scored against the reference assistant message. @default 'exact_match' */
        metric: z.enum(['exact_match', 'contains']).default('exact_match'),
        /** Requests in flight per variant. @default 8 */
        concurrency: z.number().int().min(1).max(64).default(8),
        /** Cap on held-out examples scored (all when unset). */
        maxExamples: z.number().int().positive().optional(),
      })
      .strict()
      .default({ metric: 'exact_match', concurrency: 8 }),
    /** A spending limit for the run: a fine-tune whose estimate exceeds what is left is refused before upload. */
    budget: z.object({ usd: z.number().positive() }).strict().optional(),
    gate: z
      .object({
        /** The candidate must beat the current production model (or the base model, before any) by this much. */
        minImprovement: z.number().min(-1).max(1).default(0),
        /** And reach at least this score. */
        minScore: z.number().min(0).max(1).default(0),
        /**
         * Rules over the candidate's metrics, all of which must hold: `accuracy >= 0.85`,
         * `{ better_than: prod, at: 0.95 }` (paired bootstrap / McNemar on the same cases). @default []
         */
        rules: z.array(GateRuleSchema).default([]),
      })
      .strict()
      .default({ minImprovement: 0, minScore: 0, rules: [] }),
    deploy: DeploySpecSchema.default({
      alias: 'prod',
      approval: { type: 'auto' },
      targets: [],
      smoke: { examples: 20, tolerance: 0.15 },
    }),
    /** Activity timeouts by kind of work, over core/activityOptions/activityTimeouts.ts. @default the table */
    timeouts: TimeoutsSpecSchema.optional(),
    /**
     * Distillation (core/spec/distillSpec.ts): a teacher answers prompts, its answers train the student (`baseModel`
     * + `fineTune:`), and the gate compares the two on held-out prompts. Needs `dataset: { source: distill }`.
     */
    distill: DistillSpecSchema.optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.provider.type === 'self-hosted' && !spec.provider.baseModelPath && !isCatalogueModel(spec.baseModel)) {
      ctx.addIssue({ code: 'custom', path: ['baseModel'], message: unknownBaseModelMessage(spec.baseModel) });
    }
    if ((spec.distill !== undefined) !== (spec.dataset.source === 'distill')) {
      const message = spec.distill
        ? "distill: needs dataset: { source: distill } (the teacher's answers are the dataset)"
        : 'source: distill needs a distill: section (teacher and prompts)';
      ctx.addIssue({ code: 'custom', path: spec.distill ? ['dataset', 'source'] : ['distill'], message });
    }
    if (spec.distill && spec.fineTune.method.type !== 'supervised') {
      const message = `distill: trains on the teacher's answers, so fineTune.method must be supervised`;
      ctx.addIssue({ code: 'custom', path: ['fineTune', 'method', 'type'], message });
    }
    // With no bar, the zero-shot variant always "passes" and fine-tuning would never run.
    if (spec.fineTune.when === 'needed' && spec.gate.minScore <= 0 && spec.gate.rules.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['fineTune', 'when'],
        message: "'needed' requires a bar a cheaper variant must clear: set gate.minScore above 0 or list gate.rules",
      });
    }
  });

export type PipelineSpec = z.infer<typeof PipelineSpecSchema>;
export type PipelineSpecInput = z.input<typeof PipelineSpecSchema>;
