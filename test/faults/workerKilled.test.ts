import type { ChildProcess } from 'node:child_process';
import type { Client, Connection } from '@temporalio/client';
import { setFaults } from '../support/backendAdmin';
import { CHAT_PATH } from '../support/countingProxy';
import { connectTestClient, eventually } from '../support/temporal';
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
import { completedActivities, pendingWork } from './runProbe';

interface ChainContext {
  client: Client;
  rig: FaultRig;
  runId: string;
}

/** A moment to SIGKILL the worker: optionally made to hold still by a fault that `disarm` clears after the kill. */
interface KillPoint {
  label: string;
  arm?(ctx: ChainContext): void;
  reached(ctx: ChainContext): Promise<boolean>;
  disarm?(ctx: ChainContext): Promise<void> | void;
}

// Evaluation runs 3 variants (zero-shot, 5-shot, fine-tuned) × CONCURRENCY requests in flight; the smoke check 4.
const CONCURRENCY = 2;
const EVAL_LANES = 3 * CONCURRENCY;
const SMOKE_LANES = 4;

const afterActivity = (child: '' | 'fine-tune', activity: string): KillPoint => ({
  label: `after ${activity}`,
  reached: async ({ client, runId }) =>
    (await completedActivities(client, child ? `${runId}/${child}` : runId)).includes(activity),
});

const chatAnswers = (rig: FaultRig) =>
  rig.proxy.delivered.filter((c) => c.path === CHAT_PATH && c.status === 200).length;

const midTraining: KillPoint = {
  label: 'mid-training',
  reached: async ({ rig, runId }) =>
    (await rig.api.fineTuning.jobs.list({ metadata: { tailor_run: `${runId}/fine-tune` } })).data[0]?.status ===
    'running',
  disarm: ({ rig }) => setFaults(rig.backend.baseURL, ''), // train at full speed from now on
};

/** Some cases answered and cached, then every lane stuck on a provider that stopped answering: kill. */
const midEvaluation: KillPoint = {
  label: 'mid-evaluation',
  arm: ({ rig }) => rig.proxy.hold(({ path }) => path === CHAT_PATH && chatAnswers(rig) >= 8),
  reached: async ({ rig }) => rig.proxy.held() >= EVAL_LANES,
  disarm: ({ rig }) => rig.proxy.release(),
};

/** The alias has moved and the smoke check through it is under way (its requests held): kill. */
const duringDeploy: KillPoint = {
  label: 'during deploy (smoke check)',
  arm: ({ client, rig, runId }) => {
    let evaluated = false;
    rig.proxy.hold(async ({ path }) => {
      if (path !== CHAT_PATH) return false;
      evaluated ||= (await client.workflow.getHandle(`${runId}/evaluate`).describe()).status.name === 'COMPLETED';
      return evaluated;
    });
  },
  reached: async ({ rig }) => rig.proxy.held() >= SMOKE_LANES,
  disarm: ({ rig }) => rig.proxy.release(),
};

interface Chain {
  slug: string;
  points: KillPoint[];
  /** Backend faults from the start (a slow job keeps "mid-training" reachable after an earlier kill). */
  faults?: string;
}

/**
 * Chains of kills, one run each, run side by side: a kill costs the time Temporal needs to notice the lost worker
 * (a sticky workflow task, or the activity's heartbeat timeout), so parallel chains keep the suite short.
 */
const CHAINS: Chain[] = [
  { slug: 'kill-prepare', points: [afterActivity('', 'prepareDataset')] },
  {
    slug: 'kill-validate-upload',
    points: [afterActivity('', 'validateDataset'), afterActivity('fine-tune', 'uploadTrainingFile')],
  },
  {
    slug: 'kill-job-training',
    points: [afterActivity('fine-tune', 'findOrCreateJob'), midTraining],
    faults: 'train.slow=1000',
  },
  { slug: 'kill-eval-deploy', points: [midEvaluation, duringDeploy] },
];

interface ChainOutcome {
  seen?: RunObservation;
  landed: string[];
  error?: string;
}

async function runChain(client: Client, chain: Chain): Promise<ChainOutcome> {
  const rig = await startRig(chain.slug, {
    faults: chain.faults,
    spec: { evaluation: { metric: 'exact_match', concurrency: CONCURRENCY } },
  });
  let worker: ChildProcess | undefined;
  const landed: string[] = [];
  let seen: RunObservation | undefined;
  try {
    worker = (await startBundledWorkerProcess(rig.workerEnv, rig.taskQueue)).child;
    const { runId } = await startRigPipeline(client, rig);
    const ctx = { client, rig, runId };
    for (const point of chain.points) {
      point.arm?.(ctx);
      await eventually(
        `${chain.slug}: ${point.label}`,
        async () => ((await point.reached(ctx)) ? true : undefined),
        180_000,
      );
      await killHard(worker);
      landed.push(`${point.label}: killed in ${await pendingWork(client, runId)}`);
      await point.disarm?.(ctx);
      worker = (await startBundledWorkerProcess(rig.workerEnv, rig.taskQueue)).child;
    }
    seen = await observeRun(client, rig, runId);
    return { seen, landed };
  } catch (err) {
    return { seen, landed, error: (err as Error).message };
  } finally {
    const where = landed.map((l) => l.replace(/^.*: killed in /, 'in ')).join('; ');
    recordRun('workerKilled', `SIGKILL ${chain.points.map((p) => p.label).join(', ')}`, landed.length, seen, where);
    if (worker) await killHard(worker);
    await rig.close();
  }
}

/** The worker SIGKILLed at each step boundary and mid-step; a new worker finishes every run, nothing doubled. */
describe('worker killed at step boundaries', () => {
  let client: Client;
  let connection: Connection;
  const outcomes = new Map<string, Promise<ChainOutcome>>();
  beforeAll(async () => {
    ({ client, connection } = await connectTestClient());
    for (const chain of CHAINS) outcomes.set(chain.slug, runChain(client, chain));
  });
  afterAll(async () => {
    await Promise.all(outcomes.values());
    await connection?.close();
  });

  it.each(CHAINS.map((c) => [c.slug, c] as const))(
    '%s: completes with one job, one upload per file, each case paid once',
    async (_slug, chain) => {
      const { seen, landed, error } = await outcomes.get(chain.slug)!;
      expect(error).toBeUndefined();
      expect(landed).toHaveLength(chain.points.length);
      expectRecovered(seen);
    },
    400_000,
  );
});
