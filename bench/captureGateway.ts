/**
 * The gateway with capture on, as bench/gateway.ts runs it in a child process: `tailor gateway`'s parts (the
 * registry, the default provider from OPENAI_BASE_URL, a CaptureWriter on the SQLite capture store) with
 * `bench@prod` captured at sample rate 1. Prints its URL; on SIGTERM it closes (the writer flushes) and prints the
 * writer's counts as one JSON line, so the bench can compare acknowledged rows with the rows in the store.
 */
import path from 'node:path';
import { providerClient } from '../providers/openai/client';
import { GatewayConfigSchema } from '../servers/gateway/gatewayConfig';
import { startGateway } from '../servers/gateway/gatewayServer';
import { CaptureStore } from '../stores/capture/captureStore';
import { CaptureWriter } from '../stores/capture/captureWriter';
import { SqliteRegistryBackend } from '../stores/registry/registryBackend';
import { Registry } from '../stores/registry/registryDb';

export async function serveCaptureGateway(home: string): Promise<void> {
  const registry = new SqliteRegistryBackend(new Registry(path.join(home, 'registry.db')));
  const store = new CaptureStore(path.join(home, 'capture.db'));
  const writer = new CaptureWriter(store);
  const gateway = await startGateway({
    registry,
    config: GatewayConfigSchema.parse({ aliases: { 'bench@prod': { capture: { sampleRate: 1 } } } }),
    clientFor: (provider) => providerClient(provider),
    storeDir: path.join(home, 'gateway'),
    port: 0,
    capture: writer,
  });
  process.stdout.write(`${gateway.url}\n`);
  await new Promise<void>((resolve) => process.once('SIGTERM', resolve));
  await gateway.close();
  await writer.close();
  const counts = { acknowledged: writer.acknowledged, dropped: writer.dropped, failed: writer.failed };
  store.close();
  await registry.close();
  process.stdout.write(`${JSON.stringify(counts)}\n`);
}
