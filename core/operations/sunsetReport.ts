/** One alias whose model stands on a base model the provider will shut down. */
export interface SunsetFinding {
  pipeline: string;
  alias: string;
  model: string;
  baseModel: string;
  shutdownDate: string;
  /** Negative when the date has passed. */
  daysLeft: number;
}

export interface AliasModel {
  pipeline: string;
  alias: string;
  model: string;
  /** From the registry; undefined when the model is not registered (then the model itself is taken as the base). */
  baseModel?: string;
}

const DAY_MS = 86_400_000;

/**
 * The aliases whose base model shuts down within `horizonMs` of `nowMs` (or already has). A base model the
 * provider does not list, or lists without a date, is not reported: absence is not a sunset.
 */
export function sunsetFindings(
  aliases: AliasModel[],
  shutdownDates: Map<string, string | null>,
  nowMs: number,
  horizonMs: number,
): SunsetFinding[] {
  const out: SunsetFinding[] = [];
  for (const a of aliases) {
    const base = a.baseModel ?? a.model;
    const date = shutdownDates.get(base) ?? shutdownDates.get(a.model);
    if (!date) continue;
    const at = Date.parse(date);
    if (Number.isNaN(at) || at - nowMs > horizonMs) continue;
    out.push({
      pipeline: a.pipeline,
      alias: a.alias,
      model: a.model,
      baseModel: base,
      shutdownDate: date,
      daysLeft: Math.floor((at - nowMs) / DAY_MS),
    });
  }
  return out.sort((x, y) => x.daysLeft - y.daysLeft || x.pipeline.localeCompare(y.pipeline));
}
