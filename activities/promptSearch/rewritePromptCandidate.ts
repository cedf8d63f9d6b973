import type { ProviderSpec } from '../../core/spec/providerSpec';
import type { ArtifactRef } from '../../core/artifacts/artifactRef';
import type { CaseResult } from '../../core/evalSuite/caseResult';
import { parseJsonl } from '../../core/chat/chatExample';
import { makeCandidate } from '../../core/promptSearch/candidates';
import { failuresOf, parseRewrite, rewriteMessages } from '../../core/promptSearch/rewriteRequest';
import type { PromptCandidate } from '../../core/promptSearch/searchTypes';
import { artifactStore } from '../../stores/processStores';
import { chatCompletion } from '../evalSuite/providerCalls';

export interface RewritePromptInput {
  /** The rewriter model (the space's `rewriter.model`). */
  model: string;
  provider?: ProviderSpec;
  /** The best candidate so far, and the per-case results it was scored with. */
  best: PromptCandidate;
  results: ArtifactRef;
  variantId: string;
  failures: number;
}

export interface RewritePromptResult {
  /** A new candidate with the rewritten instructions, or none when the model offered nothing usable. */
  candidate?: PromptCandidate;
  failuresShown: number;
  reason?: string;
}

/**
 * Asks a model to rewrite the best candidate's instructions from the cases it failed; the answer becomes a new
 * candidate (same template otherwise, new content-hash version). With the local backend the "model" is a small
 * CPU learner that answers with a label, so the rewrite is mechanical there: it yields a candidate, rarely a good one.
 */
export async function rewritePromptCandidate(input: RewritePromptInput): Promise<RewritePromptResult> {
  const results = parseJsonl<CaseResult>(await artifactStore().readText(input.results));
  const failures = failuresOf(results, input.variantId, input.failures);
  if (failures.length === 0) return { failuresShown: 0, reason: 'the best candidate failed no case' };
  const template = input.best.prompt.template;
  const answer = await chatCompletion(
    input.provider,
    { model: input.model, messages: rewriteMessages(template, failures), temperature: 0, max_completion_tokens: 1024 },
    'prompt rewrite',
  );
  const instructions = parseRewrite(answer.text, template);
  if (!instructions) return { failuresShown: failures.length, reason: 'the model offered no new instructions' };
  try {
    const candidate = makeCandidate({ ...template, instructions }, input.best.fewShot, 'rewrite', {
      instructions: `rewritten from ${input.best.key.slice(0, 12)}`,
    });
    return { candidate, failuresShown: failures.length };
  } catch (err) {
    // A rewrite that brings a placeholder the template does not declare is not a usable prompt.
    return {
      failuresShown: failures.length,
      reason: `the rewrite is not a valid template: ${(err as Error).message.slice(0, 200)}`,
    };
  }
}
