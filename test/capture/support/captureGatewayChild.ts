/**
 * A gateway with capture on, as a process of its own so a test can kill -9 it: the URL is the first stdout line,
 * then `ack <responseId>` for every row once its batch has committed. Reads BACKEND_URL, REGISTRY_DB, CAPTURE_DB.
 */
import OpenAI from 'openai';
import { GatewayConfigSchema } from '../../../servers/gateway/gatewayConfig';
import { startGateway } from '../../../servers/gateway/gatewayServer';
import { CaptureStore } from '../../../stores/capture/captureStore';
import { CaptureWriter } from '../../../stores/capture/captureWriter';
import { SqliteRegistryBackend } from '../../../stores/registry/registryBackend';
import { Registry } from '../../../stores/registry/registryDb';

async function main(): Promise<void> {
  const env = (name: string) => process.env[name] ?? '';
  const client = new OpenAI({ baseURL: env('BACKEND_URL'), apiKey: 'test', maxRetries: 0 });
  const writer = new CaptureWriter(new CaptureStore(env('CAPTURE_DB')), {
    batchMs: 5,
    onCommit: (ids) => process.stdout.write(ids.map((id) => `ack ${id}\n`).join('')),
  });
  const gateway = await startGateway({
    registry: new SqliteRegistryBackend(new Registry(env('REGISTRY_DB'))),
    config: GatewayConfigSchema.parse({ aliases: { 'tickets@prod': { capture: {} } } }),
    clientFor: () => client,
    storeDir: env('STORE_DIR'),
    port: 0,
    capture: writer,
  });
  process.stdout.write(`${gateway.url}\n`);
}

void main();
