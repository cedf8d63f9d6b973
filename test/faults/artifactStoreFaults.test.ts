import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import { connectTestClient } from '../support/temporal';
import { killHard, startBundledWorkerProcess } from '../support/workerProcess';
import {
  expectRecovered,
  observeRun,
  recordRun,
  startRig,
  startRigPipeline,
  type FaultRig,
  type RunObservation,
} from './faultRig';
import { retriedActivities } from './runProbe';

/** Every file under the artifact store that is not a complete artifact at its own address. */
function strayArtifacts(root: string): string[] {
  const bad: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.isFile() || createHash('sha256').update(fs.readFileSync(p)).digest('hex') !== e.name) bad.push(p);
    }
  };
  walk(root);
  return bad;
}

/**
 * A full disk under the artifact store (stores/artifacts/artifactWriteFaults.ts: writes that the kernel refuses
 * with ENOSPC): the first two writes of the run (the prepared splits) and two writes of the evaluation's results.
 * The steps retry once the disk has room again and the run completes, with nothing half-written left behind.
 */
describe('artifact store: disk full', () => {
  let client: Client;
  let connection: Connection;
  let rig: FaultRig;
  let worker: ChildProcess | undefined;
  let seen: RunObservation | undefined;
  let retried: Awaited<ReturnType<typeof retriedActivities>> = [];
  beforeAll(async () => {
    ({ client, connection } = await connectTestClient());
    rig = await startRig('disk-full');
  });
  afterAll(async () => {
    if (worker) await killHard(worker);
    await rig?.close();
    await connection?.close();
  });

  it('the run completes once writes succeed again; history names the path and ENOSPC', async () => {
    try {
      worker = (
        await startBundledWorkerProcess(
          { ...rig.workerEnv, TAILOR_ARTIFACT_FAULTS: 'write_fail#2,write_fail:fine-tuned-#2' },
          rig.taskQueue,
        )
      ).child;
      const { runId } = await startRigPipeline(client, rig);
      seen = await observeRun(client, rig, runId);
      retried = (await retriedActivities(client, runId)).filter((r) => /ENOSPC/.test(r.lastFailure));
    } finally {
      const failedWrites = retried.reduce((n, r) => n + r.attempt - 1, 0);
      recordRun(
        'artifactStoreFaults',
        'disk full (ENOSPC) on artifact writes: prepared splits ×2, evaluation results ×2',
        failedWrites,
        seen,
      );
    }
    expectRecovered(seen);
    const artifacts = path.join(rig.home, 'artifacts');
    expect(retried.map((r) => [r.activity, r.attempt])).toEqual(
      expect.arrayContaining([
        ['prepareDataset', 3],
        ['evaluateShard', 3],
      ]),
    );
    for (const r of retried)
      expect(r.lastFailure).toMatch(
        new RegExp(`^artifact store: cannot write ${artifacts}/.*ENOSPC: no space left on device`),
      );
    expect(strayArtifacts(artifacts)).toEqual([]);
  }, 300_000);
});
