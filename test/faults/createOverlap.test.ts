import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createTailorWorker } from '../../workers/createWorker';
import { fineTuneProgressQuery } from '../../workflows/messages';
import { faultsFired, jobsTagged, setFaults } from '../support/backendAdmin';
import { runCli } from '../support/runCli';
import {
  connectTestClient,
  connectTestWorker,
  eventually,
  sharedBundle,
  testTemporalAddress,
  uniqueTaskQueue,
} from '../support/temporal';
import { expectRecovered, observeRun, recordRun, startRig, startRigPipeline, type RunObservation } from './faultRig';
import { recordRow } from './scoreboard';

/**
 * A job create slower than its attempt (the retry overlaps a request the provider still carries out), and a cancel
 * while the job is being created. Training is held (slow steps) until the late create has landed, and the cancel
 * waits for the create request to be at the provider: nothing races the clock.
 */
describe('job create: overlapping attempts and cancellation', () => {
  let home: string;
  let client: Client;
  let connection: Connection;
  let native: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  let taskQueue: string;

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-create-overlap-'));
    process.env.TAILOR_HOME = home;
    ({ client, connection } = await connectTestClient());
    native = await connectTestWorker();
    taskQueue = uniqueTaskQueue('create-overlap');
    worker = await createTailorWorker({ connection: native, taskQueue, workflowBundle: await sharedBundle() });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await native?.close();
    await connection?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('slow create (8 s, attempts of 3 s): one job trains, the late extra is cancelled and in the audit', async () => {
    const faults = 'jobs.create=slow:8000#1, train.slow=1000';
    const rig = await startRig('slow-create', { home, taskQueue, faults, spec: { timeouts: { providerCall: '3s' } } });
    let seen: RunObservation | undefined;
    let fired = 0;
    try {
      const { runId } = await startRigPipeline(client, rig);
      const tag = `${runId}/fine-tune`;
      const jobs = await eventually(
        'the late job to land and be cancelled',
        async () => {
          const js = await jobsTagged(rig.api, tag);
          return js.length === 2 && js.some((j) => j.status === 'cancelled') ? js : undefined;
        },
        120_000,
      );
      fired = await faultsFired(rig.backend.baseURL);
      await setFaults(rig.backend.baseURL, ''); // train at full speed from now on
      seen = await observeRun(client, rig, runId);
      expectRecovered(seen);
      expect(seen.cancelledExtras).toBe(1);
      const extra = jobs.find((j) => j.status === 'cancelled')!;
      expect(seen.result?.fineTune?.jobId).not.toBe(extra.id);
      const env = { TEMPORAL_ADDRESS: testTemporalAddress(), TAILOR_HOME: home };
      const audit = await runCli(['audit', runId, '--json'], env);
      expect(audit.code).toBe(0);
      expect(audit.stdout).toContain(extra.id);
    } finally {
      recordRun('createOverlap', 'jobs.create slower (8 s) than its attempt (3 s): overlapping attempts', fired, seen);
      await rig.close();
    }
  }, 400_000);

  it('cancelled while the job is being created: the job that lands is cancelled, none orphaned', async () => {
    const rig = await startRig('cancel-creating', { home, taskQueue, faults: 'jobs.create=slow:10000#1' });
    let orphaned = 0;
    let fired = 0;
    let status = 'unknown';
    try {
      const { runId, handle } = await startRigPipeline(client, rig);
      const child = client.workflow.getHandle(`${runId}/fine-tune`);
      await eventually(
        'the create request to be at the provider',
        async () => {
          const phase = await child.query(fineTuneProgressQuery).then(
            (p) => p.phase,
            () => undefined,
          );
          return phase === 'creating_job' && (await faultsFired(rig.backend.baseURL)) === 1 ? true : undefined;
        },
        180_000,
      );
      fired = 1;
      await handle.cancel();
      await handle.result().catch(() => undefined);
      status = (await handle.describe()).status.name;
      // The slow create lands whatever the workflow did: wait for it, then count what of the run still trains.
      const jobs = await eventually(
        'the create to land',
        async () => {
          const js = await jobsTagged(rig.api, `${runId}/fine-tune`);
          return js.length && js.every((j) => j.status !== 'validating_files') ? js : undefined;
        },
        30_000,
      );
      orphaned = jobs.filter((j) => j.status !== 'cancelled').length;
      expect(status).toBe('CANCELLED');
      expect(orphaned).toBe(0);
    } finally {
      recordRow({
        suite: 'createOverlap',
        fault: 'pipeline cancelled while its job create (10 s) is in flight',
        injected: fired,
        runs: 1,
        completed: status === 'CANCELLED' ? 1 : 0,
        duplicates: 0,
        paidTwice: 0,
        orphaned,
        note: `run ended ${status}`,
      });
      await rig.close();
    }
  }, 400_000);
});
