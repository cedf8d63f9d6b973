import { createHash } from 'node:crypto';
import { canonicalJson } from '../dataset/canonicalJson';
import type { FewShotSpec } from '../fewshot/fewShotSpec';
import type { Assertion } from '../graders/assertionSpec';
import type { EvalVariant, RagSettings, SamplingSettings } from './evalSuiteTypes';

/**
 * Result-cache keys. A finished case is stored under sha256 of (endpoint, model, prompt version, case hash, grader)
 * so a retried or resumed shard finds it and never pays the provider twice:
 *   - endpoint: the provider's base URL (never the key), so the local backend and OpenAI never share entries;
 *   - promptVersion: the template's version; with few-shot examples, a hash of it with the few-shot spec and the
 *     pool's hash (the examples are a function of those and the case); 'case-messages' when the case's own prompt is
 * sent;
 *     with retrieval, a hash of that with the RAG settings and the index's manifest hash (ragPromptVersion);
 *   - grader: `completion:<sampling hash>` for the model's answer; `grade:<assertion hash>:<answer hash>` for a
 *     grade that called a model (judges, embeddings, counterfactual re-runs).
 */
export const CACHE_FORMAT = 1;

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function variantPromptVersion(
  v: Pick<EvalVariant, 'prompt'>,
  fewShot?: { spec: FewShotSpec; poolSha256: string },
): string {
  // Without examples the prompt is the template alone: its own version, so results name the file's version.
  if (!fewShot) return v.prompt?.version ?? 'case-messages';
  return sha256(canonicalJson({ template: v.prompt?.version ?? 'case-messages', fewShot: fewShot ?? null }));
}

/**
 * A RAG variant's prompt version: the passages are part of the prompt, so other retrieval settings or a rebuilt
 * index (its manifest hash) are a new version of the prompt it extends.
 */
export function ragPromptVersion(prompt: string, rag: RagSettings, indexSha256: string): string {
  const { k, hybrid, mmrLambda, budgetTokens } = rag;
  return sha256(
    canonicalJson({
      prompt,
      rag: {
        k,
        hybrid: hybrid ?? false,
        mmrLambda: mmrLambda ?? null,
        budgetTokens: budgetTokens ?? null,
        index: indexSha256,
      },
    }),
  );
}

export function completionGrader(sampling: SamplingSettings): string {
  return `completion:${sha256(canonicalJson(sampling)).slice(0, 16)}`;
}

export function gradeGrader(assertion: Assertion, outputText: string): string {
  return `grade:${sha256(canonicalJson(assertion)).slice(0, 16)}:${sha256(outputText).slice(0, 16)}`;
}

export interface CacheKeyParts {
  endpoint: string;
  model: string;
  promptVersion: string;
  caseHash: string;
  grader: string;
}

export function cacheKey(parts: CacheKeyParts): string {
  return sha256(canonicalJson({ v: CACHE_FORMAT, ...parts }));
}
