import { Client, Connection } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { tailorDataConverter } from '../../workers/dataConverter';
import { rollbackWorkflow } from '../../workflows/rollbackWorkflow';
import { newKey } from '../codec/keys';
import { runCli } from '../support/runCli';
import { connectTestWorker, sharedBundle, testTemporalAddress, uniqueTaskQueue } from '../support/temporal';

/**
 * `tailor status` on a run whose payloads are encrypted, from a shell that lacks the key or holds the wrong one:
 * one sentence naming the key ID (exit 2), never a ValueError or DecryptionError stack; with the key, the result.
 */
describe('tailor status on an encrypted run', () => {
  const keyId = `status-${process.pid}`;
  const key = newKey();
  const runId = `rollback-enc-${Date.now().toString(36)}`;
  let nativeConnection: NativeConnection;

  beforeAll(async () => {
    const dataConverter = tailorDataConverter({ TAILOR_ENCRYPTION_KEYS: `${keyId}:${key}` })!;
    const taskQueue = uniqueTaskQueue('status-enc');
    nativeConnection = await connectTestWorker();
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowBundle: await sharedBundle(),
      dataConverter,
      activities: { rollbackAlias: async () => ({ from: 'ft:newer', to: 'ft:older' }) },
    });
    const connection = await Connection.connect({ address: testTemporalAddress() });
    try {
      const client = new Client({ connection, dataConverter });
      await worker.runUntil(
        client.workflow.execute(rollbackWorkflow, {
          workflowId: runId,
          taskQueue,
          args: [{ pipeline: 'enc', alias: 'prod', who: 'test', reason: 'test' }],
        }),
      );
    } finally {
      await connection.close();
    }
  });
  afterAll(async () => {
    await nativeConnection?.close();
  });

  const status = (keys: string) =>
    runCli(['status', runId], {
      TEMPORAL_ADDRESS: testTemporalAddress(),
      TAILOR_ENCRYPTION_KEYS: keys,
      TAILOR_ENCRYPTION_KEY: '',
    });

  it('without a key: names the key ID the run needs', async () => {
    const s = await status('');
    expect(s.code).toBe(2);
    expect(s.stderr).toContain(`its payloads are encrypted with key ID '${keyId}' and no key is configured`);
    expect(s.stderr).not.toMatch(/ValueError|Unknown encoding|\n\s+at /);
  });

  it('with other keys only: names the missing key ID and the IDs it has', async () => {
    const s = await status(`other:${newKey()}`);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain(`key ID '${keyId}', which is not in TAILOR_ENCRYPTION_KEYS (known IDs: other)`);
    expect(s.stderr).not.toMatch(/UnknownEncryptionKeyError|\n\s+at /);
  });

  it('with a wrong key under the right ID: says that key does not open them', async () => {
    const s = await status(`${keyId}:${newKey()}`);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain(`encrypted with key ID '${keyId}', and the key under that ID`);
    expect(s.stderr).not.toMatch(/DecryptionError|\n\s+at /);
  });

  it('with the key: the rollback summary', async () => {
    const s = await status(`${keyId}:${key}`);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain(`${runId}: COMPLETED, alias moved from ft:newer back to ft:older [rollback]`);
  });
});
