import { z } from 'zod';

const Auto = z.literal('auto');

/** Fine-tuning methods as OpenAI's `method` object names them; a discriminated union, never boolean flags. */
export const FineTuneMethodSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('supervised'),
      hyperparameters: z
        .object({
          n_epochs: z.union([Auto, z.number().int().min(1).max(50)]).default('auto'),
          batch_size: z.union([Auto, z.number().int().min(1).max(256)]).default('auto'),
          learning_rate_multiplier: z.union([Auto, z.number().positive().max(10)]).default('auto'),
        })
        .strict()
        .default({ n_epochs: 'auto', batch_size: 'auto', learning_rate_multiplier: 'auto' }),
    })
    .strict(),
  z
    .object({
      type: z.literal('dpo'),
      hyperparameters: z
        .object({
          n_epochs: z.union([Auto, z.number().int().min(1).max(50)]).default('auto'),
          batch_size: z.union([Auto, z.number().int().min(1).max(256)]).default('auto'),
          learning_rate_multiplier: z.union([Auto, z.number().positive().max(10)]).default('auto'),
          beta: z.union([Auto, z.number().positive().max(2)]).default('auto'),
        })
        .strict()
        .default({ n_epochs: 'auto', batch_size: 'auto', learning_rate_multiplier: 'auto', beta: 'auto' }),
      /**
       * OpenAI's recommended order: a supervised fine-tune on the preferred answers first, then DPO from that model.
       * Present = on. @default off
       */
      supervisedFirst: z
        .object({
          n_epochs: z.union([Auto, z.number().int().min(1).max(50)]).default('auto'),
          batch_size: z.union([Auto, z.number().int().min(1).max(256)]).default('auto'),
          learning_rate_multiplier: z.union([Auto, z.number().positive().max(10)]).default('auto'),
        })
        .strict()
        .optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('reinforcement'),
      grader: z.record(z.string(), z.unknown()),
      hyperparameters: z.record(z.string(), z.unknown()).default({}),
    })
    .strict(),
]);
export type FineTuneMethod = z.infer<typeof FineTuneMethodSchema>;
