import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createTailorWorker } from '../../workers/createWorker';
import { faultsFired } from '../support/backendAdmin';
import { connectTestClient, connectTestWorker, sharedBundle, uniqueTaskQueue } from '../support/temporal';
import { expectRecovered, observeRun, recordRun, startRig, startRigPipeline, type RunObservation } from './faultRig';

/**
 * Provider faults on every route a run uses, injected by the local backend itself (providers/local/README.md,
 * "Fault injection") and answered over real HTTP: one run per family, side by side on one worker.
 */
const FAMILIES: { slug: string; fault: string; spec: string }[] = [
  {
    slug: 'rate-limited',
    fault: '429 with retry-after on uploads, job create, status, file list, chat',
    spec:
      'seed=1,files.create=429:200#1,jobs.create=429:200#1,jobs.retrieve=429:200#2,' +
      'files.list=429:200#1,chat=429:300@0.3#10',
  },
  {
    slug: 'server-errors',
    fault: '500/502/503 on uploads, file status, job create, status, chat',
    spec: 'seed=2,files.create=500#1,files.retrieve=502#1,jobs.create=502#1,jobs.retrieve=503#2,chat=500@0.2#8',
  },
  {
    slug: 'dropped',
    fault: 'connections dropped (after the upload and the job create did their work; before status and chat)',
    spec: 'seed=3,files.create=drop_after#1,jobs.create=drop_after#1,jobs.retrieve=drop#2,chat=drop@0.2#8',
  },
  // One hang per run, so their timeouts run side by side.
  { slug: 'hang-upload', fault: 'no answer to the file list before the upload', spec: 'files.list=hang#1' },
  { slug: 'hang-status', fault: 'no answer to a job status check', spec: 'jobs.retrieve=hang#1' },
  { slug: 'hang-chat', fault: 'no answer to one evaluation chat', spec: 'chat=hang#1' },
];

interface FamilyOutcome {
  seen?: RunObservation;
  fired: number;
  error?: string;
}

describe('provider faults: 429, 5xx, hangs, dropped connections', () => {
  let home: string;
  let client: Client;
  let connection: Connection;
  let native: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  const outcomes = new Map<string, Promise<FamilyOutcome>>();

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-provider-faults-'));
    process.env.TAILOR_HOME = home;
    ({ client, connection } = await connectTestClient());
    native = await connectTestWorker();
    const taskQueue = uniqueTaskQueue('provider-faults');
    worker = await createTailorWorker({ connection: native, taskQueue, workflowBundle: await sharedBundle() });
    running = worker.run();
    for (const f of FAMILIES) outcomes.set(f.slug, runFamily(f, taskQueue));
  });
  afterAll(async () => {
    await Promise.all(outcomes.values());
    worker?.shutdown();
    await running;
    await native?.close();
    await connection?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  async function runFamily(family: (typeof FAMILIES)[number], taskQueue: string): Promise<FamilyOutcome> {
    const rig = await startRig(family.slug, { home, taskQueue, faults: family.spec });
    let seen: RunObservation | undefined;
    let fired = 0;
    try {
      const { runId } = await startRigPipeline(client, rig);
      seen = await observeRun(client, rig, runId);
      fired = await faultsFired(rig.backend.baseURL);
      return { seen, fired };
    } catch (err) {
      return { seen, fired, error: (err as Error).message };
    } finally {
      recordRun('providerFaults', family.fault, fired, seen);
      await rig.close();
    }
  }

  it.each(FAMILIES.map((f) => [f.slug, f] as const))(
    '%s: the run completes, nothing duplicated, each case paid once',
    async (slug) => {
      const { seen, fired, error } = await outcomes.get(slug)!;
      expect(error).toBeUndefined();
      expect(fired).toBeGreaterThan(0);
      expectRecovered(seen);
    },
    400_000,
  );
});
