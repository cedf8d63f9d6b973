import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import type { CaseResult } from '../../core/evalSuite/caseResult';
import { compareVariants } from '../../core/evalSuite/compareVariants';
import { variantMetrics, type VariantMetrics } from '../../core/evalSuite/variantMetrics';
import type { Comparison } from '../../core/stats/gateRules';
import { artifactStore } from '../../stores/processStores';

export interface SummariseEvalRunInput {
  suite: string;
  primaryMetric: string;
  variants: { id: string; label: string; model: string; promptVersion: string; shards: ArtifactRef[] }[];
  /** Paired comparisons to compute (candidate − baseline on a metric at a level). */
  comparisons: { candidate: string; baseline: string; metric: string; level: number }[];
  /** Bootstrap seed. @default the suite name */
  seed?: string;
}

export interface EvalRunSummary {
  variants: VariantMetrics[];
  comparisons: Comparison[];
  /** Comparisons asked for that the metric could not support (e.g. a percentile has no per-case values). */
  skipped: { candidate: string; baseline: string; metric: string; reason: string }[];
  /** Every variant's case results, one JSONL. */
  results: ArtifactRef;
  /** Per-variant case results, for reports and re-scoring. */
  perVariant: Record<string, ArtifactRef>;
}

/**
 * Joins the shards' results into one artifact per variant and one for the run, computes each variant's metrics,
 * and the paired comparisons the leaderboard and the gate need (seeded bootstrap, McNemar). The workflow gets
 * numbers and refs only.
 */
export async function summariseEvalRun(input: SummariseEvalRunInput): Promise<EvalRunSummary> {
  const store = artifactStore();
  const byVariant = new Map<string, CaseResult[]>();
  const perVariant: Record<string, ArtifactRef> = {};
  const variants: VariantMetrics[] = [];
  const allLines: string[] = [];
  for (const v of input.variants) {
    const lines: string[] = [];
    for (const shard of v.shards) lines.push(...(await store.readText(shard)).split('\n').filter(Boolean));
    const results = lines.map((l) => JSON.parse(l) as CaseResult).sort((a, b) => a.index - b.index);
    byVariant.set(v.id, results);
    perVariant[v.id] = await store.put(results.map((r) => JSON.stringify(r)).join('\n') + '\n', {
      name: `${v.id}-results.jsonl`,
      count: results.length,
    });
    allLines.push(...results.map((r) => JSON.stringify(r)));
    variants.push(
      variantMetrics(results, {
        variantId: v.id,
        label: v.label,
        model: v.model,
        promptVersion: v.promptVersion,
        primaryMetric: input.primaryMetric,
      }),
    );
  }
  const comparisons: Comparison[] = [];
  const skipped: EvalRunSummary['skipped'] = [];
  for (const want of input.comparisons) {
    const a = byVariant.get(want.candidate);
    const b = byVariant.get(want.baseline);
    const c = a && b ? compareVariants(a, b, want.metric, want.level, input.seed ?? input.suite) : undefined;
    if (c) comparisons.push(c);
    else
      skipped.push({
        ...want,
        reason: !a || !b ? 'variant not scored' : `metric '${want.metric}' has no per-case values to pair`,
      });
  }
  const results = await store.put(allLines.join('\n') + '\n', {
    name: `${input.suite}-results.jsonl`,
    count: allLines.length,
  });
  return { variants, comparisons, skipped, results, perVariant };
}
