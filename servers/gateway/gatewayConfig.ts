/**
 * The gateway's config file (YAML or JSON): how to reach each kind of provider the registry names, and a traffic
 * policy per alias (canary, shadow). The registry records only a model's provider type, never a URL or a key, so
 * the connection settings live here, as environment variable names like a pipeline spec's `provider`.
 * Errors name the file, the line and the key (a YamlSpecError); a missing file is an empty config.
 */
import { z } from 'zod';
import { parseYamlWith, readSpecText } from '../../config/yamlDiagnostics';
import { ProviderSpecSchema } from '../../core/spec/providerSpec';
import { parseAliasRef } from '../../core/deploy/aliasRef';
import { CaptureSettingsSchema } from '../../core/capture/captureSettings';

const ModelName = z.string().min(1, 'expected a model ID');
const Percent = z
  .number()
  .min(0, 'expected a percentage from 0 to 100')
  .max(100, 'expected a percentage from 0 to 100');

const AliasPolicySchema = z
  .object({
    /** `percent` of the alias's traffic goes to `model`, sticky per user key. */
    canary: z.object({ model: ModelName, percent: Percent }).strict().optional(),
    /** A copy of `percent` of the requests (default all) goes to `model`; its answer is recorded, never returned. */
    shadow: z
      .object({ model: ModelName, percent: Percent.default(100) })
      .strict()
      .optional(),
    /** Opt-in: store this alias's chat traffic, scrubbed, in the capture store (core/capture/captureSettings.ts). */
    capture: CaptureSettingsSchema.optional(),
  })
  .strict();
export type AliasPolicy = z.infer<typeof AliasPolicySchema>;

/** A `NAME@ALIAS` key, spelled as parseAliasRef reads it (the `@ALIAS` part required here). */
function isAliasKey(key: string): boolean {
  try {
    parseAliasRef(key);
    return key.includes('@');
  } catch {
    return false;
  }
}

export const GatewayConfigSchema = z
  .object({
    /**
     * Per provider type the registry records (`default`, `openai`, `openai-compatible`, `azure`, `self-hosted`): how
     * to reach it. `default` also serves plain model names. @default each type with its own defaults when it needs
     * no URL (`default`, `openai`, `azure`)
     */
    providers: z.record(z.string(), ProviderSpecSchema).default({}),
    /** Traffic policies, keyed by NAME@ALIAS. */
    aliases: z
      .record(z.string(), AliasPolicySchema)
      .superRefine((aliases, ctx) => {
        for (const key of Object.keys(aliases).filter((k) => !isAliasKey(k))) {
          ctx.addIssue({ code: 'custom', path: [key], message: 'expected NAME@ALIAS (e.g. support-tickets@prod)' });
        }
      })
      .default({}),
  })
  .strict();
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;

export const EMPTY_GATEWAY_CONFIG: GatewayConfig = { providers: {}, aliases: {} };

/** Reads and validates a gateway config file; errors name the file, line and key. */
export function loadGatewayConfig(file: string): GatewayConfig {
  const text = readSpecText(file, file, 'gateway config');
  if (!text.trim()) return EMPTY_GATEWAY_CONFIG;
  return parseYamlWith(GatewayConfigSchema, text, file, 'gateway config').value;
}
