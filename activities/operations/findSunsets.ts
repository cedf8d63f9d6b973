import { z } from 'zod';
import { ProviderSpecSchema } from '../../core/spec/providerSpec';
import { sunsetFindings, type AliasModel, type SunsetFinding } from '../../core/operations/sunsetReport';
import { providerClient } from '../../providers/openai/client';
import { registryBackend } from '../../stores/processStores';

const InputSchema = z.object({
  horizonMs: z.number().positive(),
  pipeline: z.string().optional(),
  provider: ProviderSpecSchema.optional(),
});

/** What `/v1/models` answers per model; `shutdown_date` is not in the SDK's type, so it is read defensively. */
const ListedModelSchema = z.object({ id: z.string(), shutdown_date: z.string().nullish() });

export interface SunsetReport {
  checkedAt: string;
  horizonDays: number;
  aliases: number;
  findings: SunsetFinding[];
}

/** Every model behind an alias, traced to its base model, against the provider's announced shutdown dates. */
export async function findSunsets(input: z.input<typeof InputSchema>): Promise<SunsetReport> {
  const { horizonMs, pipeline, provider } = InputSchema.parse(input);
  const registry = await registryBackend();
  const aliases: AliasModel[] = [];
  for (const a of await registry.listAliases(pipeline)) {
    const baseModel = (await registry.getModel(a.model))?.baseModel;
    aliases.push({ pipeline: a.pipeline, alias: a.alias, model: a.model, baseModel });
  }
  const dates = new Map<string, string | null>();
  if (aliases.length > 0) {
    for await (const m of providerClient(provider).models.list()) {
      const parsed = ListedModelSchema.safeParse(m);
      if (parsed.success) dates.set(parsed.data.id, parsed.data.shutdown_date ?? null);
    }
  }
  const now = Date.now();
  return {
    checkedAt: new Date(now).toISOString(),
    horizonDays: Math.round(horizonMs / 86_400_000),
    aliases: aliases.length,
    findings: sunsetFindings(aliases, dates, now, horizonMs),
  };
}
