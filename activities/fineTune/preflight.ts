import { ApplicationFailure } from '@temporalio/common';
import type OpenAI from 'openai';
import type { ProviderSpec } from '../../core/spec/providerSpec';
import { preflightProblems, type PreflightFindings } from '../../core/pipeline/preflight';
import { providerClient } from '../../providers/openai/client';
import { callProvider } from '../../providers/openai/errors';
import { registryBackend } from '../../stores/processStores';
import { Failure } from '../../core/failures/failureTypes';

/**
 * Before the first paid step: the alias the gate compares against resolves to a model the provider still has, and
 * the base model is one the provider knows. A run that would fail at evaluation fails here instead, non-retryably,
 * before anything is uploaded or trained. Providers whose model names are not OpenAI's model IDs (Azure deployments,
 * a self-hosted trainer) are not asked.
 */
export async function preflightCheck(input: {
  pipeline: string;
  alias: string;
  baseModel: string;
  provider?: ProviderSpec;
}): Promise<PreflightFindings> {
  const model = (await (await registryBackend()).resolveAlias(input.pipeline, input.alias)) ?? null;
  const askable = !input.provider || ['default', 'openai', 'openai-compatible'].includes(input.provider.type);
  const client = askable ? providerClient(input.provider) : undefined;
  const findings: PreflightFindings = {
    pipeline: input.pipeline,
    baseModel: { id: input.baseModel, present: client ? await hasModel(client, input.baseModel) : null },
    alias: { name: input.alias, model, present: client && model !== null ? await hasModel(client, model) : null },
  };
  const problems = preflightProblems(findings);
  if (problems.length) {
    throw ApplicationFailure.create({
      message: `preflight: ${problems.join('; ')}; nothing was uploaded or trained`,
      type: Failure.PreflightFailed,
      nonRetryable: true,
      details: [findings],
    });
  }
  return findings;
}

/** `GET /v1/models/{id}`: a 404 means the provider does not have it; any other failure is the call's own. */
async function hasModel(client: OpenAI, id: string): Promise<boolean> {
  try {
    await callProvider(`look up model ${id}`, (opts) => client.models.retrieve(id, opts));
    return true;
  } catch (err) {
    if (err instanceof ApplicationFailure && err.type === Failure.Provider404) return false;
    throw err;
  }
}
