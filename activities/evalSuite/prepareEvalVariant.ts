import { ApplicationFailure } from '@temporalio/common';
import type { ProviderSpec } from '../../core/spec/providerSpec';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import { ragPromptVersion, variantPromptVersion } from '../../core/evalSuite/cacheKeys';
import { caseMessages } from '../../core/evalSuite/caseMessages';
import type { CaseSource, EvalVariant } from '../../core/evalSuite/evalSuiteTypes';
import { PromptRenderError } from '../../core/prompts/renderPrompt';
import { selectFewShotExamples, type FewShotSelection } from '../fewshot/selectFewShotExamples';
import { loadCases, loadSelection } from './caseStore';
import { retrieveForCases, type Retrieval } from './retrieveForCases';
import { Failure } from '../../core/failures/failureTypes';

export interface PrepareEvalVariantInput {
  variant: EvalVariant;
  cases: ArtifactRef;
  provider?: ProviderSpec;
}

export interface PreparedEvalVariant {
  variantId: string;
  /** Recorded in every result and part of every cache key (core/evalSuite/cacheKeys.ts). */
  promptVersion: string;
  fewShot?: FewShotSelection;
  /** A RAG variant's passages per case. */
  rag?: Retrieval;
}

/**
 * A variant made ready to score: its prompt checked against the cases (a template whose variables the cases do not
 * supply fails the run now, not as thousands of errored cases), its few-shot examples chosen per case when it has
 * any, and its prompt version.
 */
export async function prepareEvalVariant(input: PrepareEvalVariantInput): Promise<PreparedEvalVariant> {
  const v = input.variant;
  const cases = await loadCases(input.cases);
  const first = cases.find((c) => !c.sample);
  if (first && v.prompt) {
    try {
      caseMessages(v, first);
    } catch (err) {
      if (err instanceof PromptRenderError)
        throw ApplicationFailure.nonRetryable(
          `variant ${v.id}: case ${first.id} (line ${first.line}): ${err.message}`,
          Failure.InvalidSuite,
        );
      throw err;
    }
  }
  let prepared: PreparedEvalVariant = { variantId: v.id, promptVersion: variantPromptVersion(v) };
  if (v.fewShot) {
    const pool = v.fewShot.pool as CaseSource;
    if (pool.type === 'split')
      throw ApplicationFailure.nonRetryable(
        `variant ${v.id}: the few-shot pool is the '${pool.split}' split, which only a pipeline run provides`,
        Failure.InvalidSuite,
      );
    const sel = await selectFewShotExamples({
      pool,
      cases: input.cases,
      spec: v.fewShot.spec,
      template: v.prompt,
      provider: input.provider,
    });
    prepared = {
      variantId: v.id,
      promptVersion: variantPromptVersion(v, { spec: v.fewShot.spec, poolSha256: sel.poolSha256 }),
      fewShot: sel,
    };
  }
  if (!v.rag) return prepared;
  const rag = await retrieveForCases({
    variant: { ...v, rag: v.rag },
    cases,
    ...(prepared.fewShot ? { examples: await loadSelection(prepared.fewShot.selection) } : {}),
    provider: input.provider,
  });
  return { ...prepared, promptVersion: ragPromptVersion(prepared.promptVersion, v.rag, rag.manifestSha256), rag };
}
