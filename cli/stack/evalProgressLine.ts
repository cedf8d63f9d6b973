import type { EvalProgress } from '../../core/evalSuite/evalSuiteRun';

/** Cases scored so far in shards still running, per variant id (their heartbeats; cli/stack/evalShardsInFlight.ts). */
export type InFlightCases = Record<string, number>;

/**
 * One line for an eval in progress: cases done overall and per variant, counting finished shards and the cases the
 * running shards have reported. Variant ids, not labels, name the variants (labels may hold commas).
 * `scoring: 57/192 cases (zero-shot 30/96 · few-shot 27/96), 0/2 shards`
 */
export function evalProgressLine(p: EvalProgress, inFlight: InFlightCases = {}): string {
  if (p.casesTotal === 0) return `${p.stage}: reading the cases`;
  const variants = (p.variants ?? []).map((v) => ({
    ...v,
    casesDone: Math.min(v.casesTotal, v.casesDone + (inFlight[v.id] ?? 0)),
  }));
  const done = variants.length ? variants.reduce((n, v) => n + v.casesDone, 0) : p.casesDone;
  const counts = variants.map((v) => `${v.id} ${v.casesDone}/${v.casesTotal}`);
  const each = variants.length > 1 ? ` (${counts.join(' · ')})` : '';
  const shards = p.shardsTotal ? `, ${p.shardsDone}/${p.shardsTotal} shards` : '';
  return `${p.stage}: ${done}/${p.casesTotal} cases${each}${shards}`;
}
