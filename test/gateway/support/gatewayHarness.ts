/**
 * A gateway in front of a real local backend over HTTP, with its own SQLite registry in a temp folder: pipeline
 * `tickets` with models on the backend and aliases pointing at them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type OpenAI from 'openai';
import type { ProviderSpec } from '../../../core/spec/providerSpec';
import { GatewayConfigSchema } from '../../../servers/gateway/gatewayConfig';
import { startGateway, type Exchange, type Gateway, type GatewayOptions } from '../../../servers/gateway/gatewayServer';
import { SqliteRegistryBackend } from '../../../stores/registry/registryBackend';
import { Registry } from '../../../stores/registry/registryDb';
import { startTestBackend, testClient, type TestBackend } from '../../localBackend/support/backend';

export interface Harness {
  backend: TestBackend;
  registry: SqliteRegistryBackend;
  gateway: Gateway;
  /** An OpenAI client pointed at the gateway. */
  client: OpenAI;
  exchanges: Exchange[];
  close(): Promise<void>;
}

/** The URL a provider spec names, or the main backend's for the ones that name none. */
function urlOf(spec: ProviderSpec, fallback: string): string {
  if (spec.type === 'openai-compatible' && spec.baseUrl) return spec.baseUrl;
  if (spec.type === 'self-hosted' && spec.servingBaseUrl) return spec.servingBaseUrl;
  return fallback;
}

export async function register(registry: SqliteRegistryBackend, model: string, provider = 'default'): Promise<void> {
  await registry.registerModel({
    model,
    pipeline: 'tickets',
    provider,
    baseModel: model,
    jobId: null,
    trainSha256: null,
    specSha256: null,
    runId: 'test',
    evalReportUri: null,
    score: null,
    createdAt: Date.now(),
  });
}

export async function moveAlias(registry: SqliteRegistryBackend, alias: string, toModel: string): Promise<void> {
  await registry.moveAlias({ pipeline: 'tickets', alias, toModel, who: 'test', why: 'test', runId: null });
}

export async function startHarness(
  config: unknown = {},
  more: Partial<GatewayOptions> = {},
  backend?: TestBackend,
): Promise<Harness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-gateway-'));
  const b = backend ?? (await startTestBackend({ rateLimit: { rpm: 1_000_000, tpm: 1_000_000_000 } }));
  const registry = new SqliteRegistryBackend(new Registry(path.join(dir, 'registry.db')));
  const exchanges: Exchange[] = [];
  const clients = new Map<string, OpenAI>();
  const gateway = await startGateway({
    registry,
    config: GatewayConfigSchema.parse(config),
    clientFor: (spec) => {
      const url = urlOf(spec, b.server.baseURL);
      if (!clients.has(url)) clients.set(url, testClient(url));
      return clients.get(url)!;
    },
    storeDir: path.join(dir, 'gateway'),
    port: 0,
    onExchange: (e) => exchanges.push(e),
    ...more,
  });
  return {
    backend: b,
    registry,
    gateway,
    client: testClient(`${gateway.url}/v1`),
    exchanges,
    close: async () => {
      await gateway.close();
      await registry.close();
      if (!backend) await b.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const SYSTEM = 'Classify the ticket. Labels: refund_request, bug_report, other';
export const ask = (model: string, content = 'I want a refund for my order', user?: string) => ({
  model,
  temperature: 0,
  messages: [
    { role: 'system' as const, content: SYSTEM },
    { role: 'user' as const, content },
  ],
  ...(user ? { user } : {}),
});
