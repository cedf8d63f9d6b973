/**
 * The `POST /v1/fine_tuning/jobs` body with OpenAI's limits: suffix ≤ 64 characters, seed in
 * [0, 2^31), ≤ 16 metadata pairs, and per-method hyperparameters that are "auto" or a number in range.
 * Unknown top-level fields are rejected, as OpenAI does ("extra inputs are not permitted").
 */
import { z } from 'zod';

const auto = z.literal('auto');
const epochs = z.union([auto, z.number().int().min(1).max(50)]);
const batch = z.union([auto, z.number().int().min(1).max(256)]);
const lr = z.union([auto, z.number().positive()]);

const supervisedHp = z.object({
  n_epochs: epochs.optional(),
  batch_size: batch.optional(),
  learning_rate_multiplier: lr.optional(),
});
const dpoHp = supervisedHp.extend({ beta: z.union([auto, z.number().gt(0).max(2)]).optional() });
const reinforcementHp = supervisedHp.extend({
  reasoning_effort: z.enum(['default', 'low', 'medium', 'high']).optional(),
  compute_multiplier: z.union([auto, z.number().gt(1e-5).max(10)]).optional(),
  eval_interval: z.union([auto, z.number().int().min(1)]).optional(),
  eval_samples: z.union([auto, z.number().int().min(1)]).optional(),
});

export const graderSchema = z.looseObject({ type: z.string(), name: z.string().optional() });

export const methodSchema = z.object({
  type: z.enum(['supervised', 'dpo', 'reinforcement']),
  supervised: z.object({ hyperparameters: supervisedHp.optional() }).nullable().optional(),
  dpo: z.object({ hyperparameters: dpoHp.optional() }).nullable().optional(),
  reinforcement: z
    .looseObject({ grader: graderSchema, hyperparameters: reinforcementHp.optional() })
    .nullable()
    .optional(),
});

const metadata = z
  .record(z.string().max(64), z.string().max(512))
  .refine((m) => Object.keys(m).length <= 16, { message: 'metadata may hold at most 16 keys' });

export const createJobSchema = z.strictObject({
  model: z.string().min(1),
  training_file: z.string().min(1),
  validation_file: z.string().min(1).nullable().optional(),
  suffix: z.string().min(1).max(64).nullable().optional(),
  seed: z.number().int().min(0).max(2147483647).nullable().optional(),
  metadata: metadata.nullable().optional(),
  method: methodSchema.optional(),
  hyperparameters: supervisedHp.optional(),
  integrations: z
    .array(z.looseObject({ type: z.literal('wandb'), wandb: z.looseObject({ project: z.string() }) }))
    .max(5)
    .nullable()
    .optional(),
});

export type CreateJobRequest = z.infer<typeof createJobSchema>;
export type MethodRequest = z.infer<typeof methodSchema>;
