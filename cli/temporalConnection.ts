import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';
import { tailorDataConverter } from '../workers/dataConverter';

export interface TemporalTarget {
  address: string;
  namespace: string;
  /** Full connection options from Temporal's environment configuration (TLS, API key), when not a local address. */
  connectionOptions?: ReturnType<typeof loadClientConnectConfig>['connectionOptions'];
}

/**
 * Where to reach Temporal, from Temporal's standard environment configuration (`TEMPORAL_ADDRESS`,
 * `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, TLS settings, `TEMPORAL_PROFILE` and the TOML config file), so the same
 * worker runs against a self-hosted cluster or Temporal Cloud.
 */
export function targetFromEnvironment(): TemporalTarget | undefined {
  if (!process.env.TEMPORAL_ADDRESS && !process.env.TEMPORAL_PROFILE && !process.env.TEMPORAL_CONFIG_FILE)
    return undefined;
  const cfg = loadClientConnectConfig();
  const address = cfg.connectionOptions.address ?? process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  return { address, namespace: cfg.namespace ?? 'default', connectionOptions: cfg.connectionOptions };
}

export async function connectClient(target: TemporalTarget): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({
    ...(target.connectionOptions ?? {}),
    address: target.address,
  } as never);
  return {
    client: new Client({ connection, namespace: target.namespace, dataConverter: tailorDataConverter() }),
    connection,
  };
}

export async function connectWorker(target: TemporalTarget): Promise<NativeConnection> {
  return NativeConnection.connect({ ...(target.connectionOptions ?? {}), address: target.address } as never);
}
