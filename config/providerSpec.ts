import { z } from 'zod';

/** An environment variable's name (never its value: secrets stay in the worker's environment). */
const EnvName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name such as OPENAI_API_KEY');

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
    .refine((p) => Boolean(p.baseUrl) !== Boolean(p.baseUrlEnv), { message: 'give exactly one of baseUrl and baseUrlEnv' }),
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
]);
export type ProviderSpec = z.infer<typeof ProviderSpecSchema>;

export const DEFAULT_PROVIDER: ProviderSpec = { type: 'default' };
