import { ApplicationFailure } from '@temporalio/common';
import OpenAI, { AzureOpenAI } from 'openai';
import { DEFAULT_PROVIDER, type ProviderSpec } from '../../core/spec/providerSpec';
import { CLIENT_TIMEOUT_MS } from './attemptOptions';
import { Failure } from '../../core/failures/failureTypes';

/**
 * The provider client for activities. Temporal owns retries, so the SDK's own are off (see docs/architecture.md,
 * Temporal owns retries).
 * Connection settings come only from the worker's environment, through the variable names a spec gives; secrets
 * never enter workflow history.
 */
const cache = new Map<string, OpenAI>();

export function providerClient(spec: ProviderSpec = DEFAULT_PROVIDER, env: NodeJS.ProcessEnv = process.env): OpenAI {
  const resolved = resolveProvider(spec, env);
  const key = JSON.stringify(resolved);
  let client = cache.get(key);
  if (!client) {
    client =
      resolved.kind === 'azure'
        ? new AzureOpenAI({
            endpoint: resolved.endpoint,
            apiKey: resolved.apiKey,
            apiVersion: resolved.apiVersion,
            maxRetries: 0,
            timeout: CLIENT_TIMEOUT_MS,
          })
        : new OpenAI({
            apiKey: resolved.apiKey,
            baseURL: resolved.baseURL,
            organization: resolved.organization,
            project: resolved.project,
            maxRetries: 0,
            timeout: CLIENT_TIMEOUT_MS,
          });
    cache.set(key, client);
  }
  return client;
}

type Resolved =
  | { kind: 'openai'; apiKey: string; baseURL?: string; organization?: string; project?: string }
  | { kind: 'azure'; endpoint: string; apiKey: string; apiVersion: string };

/** Reads the variables a provider spec names; a missing one fails the step, non-retryably, naming the variable. */
export function resolveProvider(spec: ProviderSpec, env: NodeJS.ProcessEnv): Resolved {
  // An empty variable counts as unset (`OPENAI_API_KEY= tailor worker` must not send an empty key).
  const get = (name: string) => env[name] || undefined;
  const need = (name: string, what: string) => {
    const v = get(name);
    if (!v) throw notConfigured(`${name} (${what}) is not set in the worker environment`);
    return v;
  };
  switch (spec.type) {
    case 'default': {
      const baseURL = get('OPENAI_BASE_URL');
      // The local backend accepts any key; a placeholder keeps the SDK from refusing to start.
      const apiKey = get('OPENAI_API_KEY') ?? (baseURL && isLoopback(baseURL) ? 'tailor-local' : undefined);
      if (!apiKey)
        throw notConfigured(
          'OPENAI_API_KEY is not set in the worker environment (and OPENAI_BASE_URL is not a local backend)',
        );
      return { kind: 'openai', apiKey, baseURL };
    }
    case 'openai':
      return {
        kind: 'openai',
        apiKey: need(spec.apiKeyEnv, 'the OpenAI API key'),
        organization: spec.organizationEnv ? get(spec.organizationEnv) : undefined,
        project: spec.projectEnv ? get(spec.projectEnv) : undefined,
      };
    case 'openai-compatible': {
      const baseURL = spec.baseUrl ?? need(spec.baseUrlEnv!, 'the provider base URL');
      const apiKey = get(spec.apiKeyEnv) ?? (isLoopback(baseURL) ? 'tailor-local' : undefined);
      if (!apiKey) throw notConfigured(`${spec.apiKeyEnv} (the provider API key) is not set in the worker environment`);
      return { kind: 'openai', apiKey, baseURL };
    }
    case 'self-hosted': {
      // Inference only: the serving endpoint (chat_server.py or vLLM); training goes to the trainer's task queue.
      const baseURL = spec.servingBaseUrl ?? need(spec.servingBaseUrlEnv!, 'the self-hosted serving URL');
      const apiKey = get(spec.apiKeyEnv) ?? (isLoopback(baseURL) ? 'tailor-local' : undefined);
      if (!apiKey)
        throw notConfigured(`${spec.apiKeyEnv} (the serving endpoint's key) is not set in the worker environment`);
      return { kind: 'openai', apiKey, baseURL };
    }
    case 'azure':
      return {
        kind: 'azure',
        endpoint: need(spec.endpointEnv, 'the Azure OpenAI endpoint'),
        apiKey: need(spec.apiKeyEnv, 'the Azure OpenAI key'),
        apiVersion: spec.apiVersion,
      };
  }
}

/** A worker without credentials cannot heal by retrying: fail the step with a message the operator can act on. */
function notConfigured(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, Failure.ProviderNotConfigured);
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  } catch {
    return false;
  }
}
