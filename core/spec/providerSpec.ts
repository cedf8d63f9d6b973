import { z } from 'zod';
import { DurationSchema } from './duration';

/** An environment variable's name (never its value: secrets stay in the worker's environment). */
const EnvName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name such as OPENAI_API_KEY');

const usdPerHourError = (issue: { input?: unknown }) =>
  `expected a cost in USD per hour, 0 or more, got ${JSON.stringify(issue.input)}`;

/** LoRA's knobs (workers/trainer/tailor_trainer/spec.py parse_peft reads the same names). */
const LoraSchema = z
  .object({
    rank: z.number().int().positive().default(8),
    /** @default 2 × rank (the trainer's default) */
    alpha: z.number().positive().optional(),
    dropout: z.number().min(0).lt(1).default(0.05),
    targetModules: z.array(z.string().min(1)).min(1).default(['q_proj', 'v_proj']),
  })
  .strict();

/**
 * Your own hardware: fine-tuning runs on the Python trainer worker (workers/trainer) polling `taskQueue`; inference
 * (evaluation, smoke checks) goes to an OpenAI-compatible server that serves the base model and the trained adapters
 * (the trainer package's chat_server.py with --adapters, or vLLM with LoRA modules).
 */
export const SelfHostedProviderSchema = z
  .object({
    type: z.literal('self-hosted'),
    /** The trainer worker's task queue. @default 'tailor-trainer' */
    taskQueue: z.string().min(1).default('tailor-trainer'),
    /**
     * A local model folder (config.json, tokenizer) on the trainer's machine; never downloaded at run time.
     * @default the pipeline's `baseModel`, which must then be a catalogue name (core/fineTune/baseModelCatalog.ts)
     */
    baseModelPath: z.string().min(1).optional(),
    /** `full` fine-tuning, or `{ lora: {...} }`. @default { lora: {} } */
    peft: z
      .union(
        [
          z.literal('full'),
          z
            .object({ lora: LoraSchema.default({ rank: 8, dropout: 0.05, targetModules: ['q_proj', 'v_proj'] }) })
            .strict(),
        ],
        {
          error:
            'expected "full" or { lora: { rank: positive integer, alpha: positive number, dropout: number in ' +
            '[0, 1), targetModules: [module names] } }',
        },
      )
      .default({ lora: { rank: 8, dropout: 0.05, targetModules: ['q_proj', 'v_proj'] } }),
    /** Where trained adapters are written, shared with the serving side. @default '<TAILOR_HOME>/adapters' */
    adaptersDir: z.string().min(1).optional(),
    /** The serving endpoint's URL (OpenAI-compatible, ending in /v1), or a variable holding it. */
    servingBaseUrl: z.url().optional(),
    servingBaseUrlEnv: EnvName.optional(),
    /** The serving endpoint's key variable; a loopback server needs none. @default 'OPENAI_API_KEY' */
    apiKeyEnv: EnvName.default('OPENAI_API_KEY'),
    /**
     * Load each trained LoRA adapter into the serving endpoint before evaluating it, through vLLM's runtime API
     * (POST /v1/load_lora_adapter); the adapter folder must be readable by the server at the same path. @default false
     */
    registerAdapters: z.boolean().default(false),
    /**
     * What an hour of the trainer's machine costs (USD): training time is then spend, counted against `budget.usd`
     * while it runs; training stops at a checkpoint when the budget is used up. Unset: training costs nothing.
     */
    usdPerHour: z.number({ error: usdPerHourError }).nonnegative({ error: usdPerHourError }).optional(),
    /** Trainer settings beyond fineTune.method's (see the trainer's README). @default the trainer's */
    training: z
      .object({
        maxSteps: z.number().int().positive().optional(),
        learningRate: z.number().positive().optional(),
        checkpointEvery: z.number().int().positive().optional(),
        maxLength: z.number().int().positive().optional(),
        /** How long a training step may go without a heartbeat before the attempt is retried. @default '2 minutes' */
        heartbeatTimeout: DurationSchema.optional(),
      })
      .strict()
      .default({}),
  })
  .strict()
  .refine((p) => Boolean(p.servingBaseUrl) !== Boolean(p.servingBaseUrlEnv), {
    message: 'give exactly one of servingBaseUrl and servingBaseUrlEnv',
    path: ['servingBaseUrl'],
  })
  // vLLM loads only LoRA adapters at runtime; a fully fine-tuned model is served by its own server.
  .refine((p) => !(p.registerAdapters && p.peft === 'full'), {
    message:
      'registerAdapters loads LoRA adapters only; with peft: full, serve the trained model folder with its own server',
    path: ['registerAdapters'],
  });
export type SelfHostedProvider = z.infer<typeof SelfHostedProviderSchema>;

/**
 * Which provider a pipeline talks to. Specs name environment variables, never secret values; every worker that
 * runs the pipeline reads them from its own environment.
 */
export const ProviderSpecSchema = z.discriminatedUnion('type', [
  /** The worker's own OPENAI_BASE_URL / OPENAI_API_KEY: the local backend when the worker started one. */
  z.object({ type: z.literal('default') }).strict(),
  /** OpenAI itself. */
  z
    .object({
      type: z.literal('openai'),
      /** @default 'OPENAI_API_KEY' */
      apiKeyEnv: EnvName.default('OPENAI_API_KEY'),
      organizationEnv: EnvName.optional(),
      projectEnv: EnvName.optional(),
    })
    .strict(),
  /** Any host that speaks OpenAI's API: a URL (not a secret) or a variable holding it, and a key variable. */
  z
    .object({
      type: z.literal('openai-compatible'),
      baseUrl: z.url().optional(),
      baseUrlEnv: EnvName.optional(),
      /** @default 'OPENAI_API_KEY' */
      apiKeyEnv: EnvName.default('OPENAI_API_KEY'),
    })
    .strict()
    .refine((p) => Boolean(p.baseUrl) !== Boolean(p.baseUrlEnv), {
      message: 'give exactly one of baseUrl and baseUrlEnv',
    }),
  /** Azure OpenAI through the SDK's AzureOpenAI client. */
  z
    .object({
      type: z.literal('azure'),
      /** @default 'AZURE_OPENAI_ENDPOINT' */
      endpointEnv: EnvName.default('AZURE_OPENAI_ENDPOINT'),
      /** @default 'AZURE_OPENAI_API_KEY' */
      apiKeyEnv: EnvName.default('AZURE_OPENAI_API_KEY'),
      apiVersion: z.string().default('2025-04-01-preview'),
    })
    .strict(),
  SelfHostedProviderSchema,
]);
export type ProviderSpec = z.infer<typeof ProviderSpecSchema>;

export const DEFAULT_PROVIDER: ProviderSpec = { type: 'default' };
