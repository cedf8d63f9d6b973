import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { variantPromptVersion } from '../../core/evalSuite/cacheKeys';
import type { CaseSource, EvalVariant } from '../../core/evalSuite/evalSuiteTypes';
import type { ProviderSpec } from '../../config/providerSpec';
import { ApplicationFailure } from '@temporalio/common';
import { selectFewShotExamples, type FewShotSelection } from '../fewshot/selectFewShotExamples';

export interface PrepareEvalVariantInput {
  variant: EvalVariant;
  cases: ArtifactRef;
  provider?: ProviderSpec;
}

export interface PreparedEvalVariant {
  variantId: string;
  /** Recorded in every result and part of every cache key (core/evalSuite/cacheKeys.ts). */
  promptVersion: string;
  fewShot?: Omit<FewShotSelection, 'poolSha256'> & { poolSha256: string };
}

/** A variant made ready to score: its few-shot examples chosen per case (when it has any) and its prompt version. */
export async function prepareEvalVariant(input: PrepareEvalVariantInput): Promise<PreparedEvalVariant> {
  const v = input.variant;
  if (!v.fewShot) return { variantId: v.id, promptVersion: variantPromptVersion(v) };
  const pool = v.fewShot.pool as CaseSource;
  if (pool.type === 'split') throw ApplicationFailure.nonRetryable(`variant ${v.id}: the few-shot pool is the '${pool.split}' split, which only a pipeline run provides`, 'InvalidSuite');
  const sel = await selectFewShotExamples({ pool, cases: input.cases, spec: v.fewShot.spec, template: v.prompt, provider: input.provider });
  return { variantId: v.id, promptVersion: variantPromptVersion(v, { spec: v.fewShot.spec, poolSha256: sel.poolSha256 }), fewShot: sel };
}
