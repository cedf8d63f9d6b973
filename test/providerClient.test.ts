import { AzureOpenAI } from 'openai';
import { ProviderSpecSchema } from '../core/spec/providerSpec';
import { providerClient, resolveProvider } from '../providers/openai/client';

describe('provider selection from a spec and the worker environment', () => {
  it('builds the SDK AzureOpenAI client for azure, from the named variables', () => {
    const spec = ProviderSpecSchema.parse({ type: 'azure', apiVersion: '2025-04-01-preview' });
    const env = { AZURE_OPENAI_ENDPOINT: 'https://example-resource.openai.azure.com', AZURE_OPENAI_API_KEY: 'k' };
    expect(resolveProvider(spec, env)).toEqual({
      kind: 'azure',
      endpoint: env.AZURE_OPENAI_ENDPOINT,
      apiKey: 'k',
      apiVersion: '2025-04-01-preview',
    });
    const client = providerClient(spec, env);
    expect(client).toBeInstanceOf(AzureOpenAI);
    expect(client.baseURL).toBe('https://example-resource.openai.azure.com/openai');
    expect(client.maxRetries).toBe(0); // Temporal owns retries
  });

  it('refuses a spec that carries a secret value instead of a variable name', () => {
    expect(ProviderSpecSchema.safeParse({ type: 'openai', apiKeyEnv: 'sk-live-abc' }).success).toBe(false);
    expect(
      ProviderSpecSchema.safeParse({ type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1', baseUrlEnv: 'X' })
        .success,
    ).toBe(false);
  });

  it('treats an empty variable as unset and names the missing one', () => {
    expect(() => resolveProvider({ type: 'openai', apiKeyEnv: 'MY_KEY' }, { MY_KEY: '' })).toThrow(
      /MY_KEY \(the OpenAI API key\) is not set/,
    );
    expect(
      resolveProvider({ type: 'default' }, { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: '' }),
    ).toMatchObject({ apiKey: 'tailor-local' });
  });
});
