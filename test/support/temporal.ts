import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows, installQuietRuntime } from '../../workers/createWorker';
import { tailorDataConverter } from '../../workers/dataConverter';

// Worker state lines and the warnings of deliberately failed activities would bury jest's own output.
installQuietRuntime('ERROR');

/** The dev server that jest's global setup started for this run. */
export function testTemporalAddress(): string {
  const address = process.env.TAILOR_TEST_TEMPORAL_ADDRESS;
  if (!address)
    throw new Error('TAILOR_TEST_TEMPORAL_ADDRESS is unset: run tests through jest (global setup starts the server)');
  return address;
}

export async function connectTestClient(): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: testTemporalAddress() });
  return { client: new Client({ connection, dataConverter: tailorDataConverter() }), connection };
}

export function connectTestWorker(): Promise<NativeConnection> {
  return NativeConnection.connect({ address: testTemporalAddress() });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundling takes seconds: once per test file. */
export function sharedBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflows();
  return bundle;
}

/** A task queue no other test file uses, so workers never steal each other's tasks. */
export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}`;
}

/** Polls until `check` returns a value (visibility is eventually consistent); fails with `what` after the deadline. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
