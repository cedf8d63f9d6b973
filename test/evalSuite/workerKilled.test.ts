import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import { completionCache } from '../../stores/cache/keyedCache';
import { loadEvalSuite } from '../../config/evalSuiteSpec';
import { startLocalOpenAI, type LocalOpenAIServer } from '../../providers/local/server';
import { evalProgressQuery, evalSuiteWorkflow } from '../../workflows/evalSuiteWorkflow';
import { setFaults } from '../support/backendAdmin';
import { connectTestClient, eventually, testTemporalAddress, uniqueTaskQueue } from '../support/temporal';
import { killHard, startWorkerProcess } from '../support/workerProcess';

const SUITE = path.join(__dirname, '..', '..', 'examples', 'support-tickets', 'eval', 'suite.yaml');
const CASES = 120;

/** Chat requests the backend has answered or is answering: the `fired` count of a delay rule on every chat. */
async function chatRequests(baseURL: string): Promise<number> {
  const res = await fetch(`${baseURL}/_admin/faults`);
  const body = (await res.json()) as { rules: { rule: string; fired: number }[] };
  return body.rules.find((r) => r.rule.startsWith('chat='))!.fired;
}

/**
 * The worker (a real `tailor worker` process) is SIGKILLed mid-evaluation; a new worker finishes the run, and the
 * backend shows the provider was asked again only for the cases not finished when the first worker died.
 */
describe('eval worker killed mid-evaluation', () => {
  let home: string;
  let backend: LocalOpenAIServer;
  let client: Client;
  let connection: Connection;
  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-evalkill-'));
    process.env.TAILOR_HOME = home; // this process counts the cache the workers fill
    backend = await startLocalOpenAI({ port: 0, dataDir: path.join(home, 'local-openai') });
    ({ client, connection } = await connectTestClient());
  });
  afterAll(async () => {
    await connection?.close();
    await backend?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('resumes without calling the provider again for any finished case', async () => {
    await setFaults(backend.baseURL, 'chat=slow:120'); // ~ 6 requests in flight → ~50/s: slow enough to kill mid-way
    const loaded = loadEvalSuite(SUITE, { models: ['gpt-4o-mini-2024-07-18'] });
    const suite = {
      ...loaded,
      // More cases than the example's held-out split has: the whole tickets file (no model here was trained on it).
      cases: {
        type: 'file' as const,
        path: path.join(path.dirname(SUITE), '..', 'data', 'tickets.jsonl'),
        limit: CASES,
      },
      variants: loaded.variants.filter((v) => v.id === 'zero-shot'),
      candidate: 'zero-shot',
      baseline: undefined,
      gate: [],
      execution: { shardSize: 40, concurrency: 2, shardsInFlight: 3, heartbeatTimeout: '3 seconds' },
    };
    const taskQueue = uniqueTaskQueue('evalkill');
    const env = {
      TEMPORAL_ADDRESS: testTemporalAddress(),
      OPENAI_BASE_URL: backend.baseURL,
      OPENAI_API_KEY: 'test',
      TAILOR_HOME: home,
    };
    const first = await startWorkerProcess(env, taskQueue);
    const handle = await client.workflow.start(evalSuiteWorkflow, {
      taskQueue,
      workflowId: `eval-kill-${Date.now()}`,
      args: [{ suite }],
    });
    const cache = completionCache();
    await eventually(
      'a third of the cases to finish',
      async () => ((await cache.count()) >= CASES / 3 ? true : undefined),
      60_000,
    );
    await killHard(first.child);
    await new Promise((r) => setTimeout(r, 1000)); // let the backend read anything the dead worker had sent
    const finishedAtKill = await cache.count();
    const requestsAtKill = await chatRequests(backend.baseURL);
    expect(finishedAtKill).toBeLessThan(CASES);

    const second = await startWorkerProcess(env, taskQueue);
    try {
      const r = await handle.result();
      const requestsAfter = (await chatRequests(backend.baseURL)) - requestsAtKill;
      console.log(
        `killed with ${finishedAtKill}/${CASES} cases finished (${requestsAtKill} requests); the new worker ` +
          `made ${requestsAfter} requests`,
      );
      // No finished case was requested again: at most the unfinished ones were (those in flight at the kill were
      // paid twice: unavoidable). The cache count at the kill can trail the worker's last writes on a loaded
      // machine, so the bound, not an exact count, is what this asserts; every case is answered below.
      expect(requestsAfter).toBeLessThanOrEqual(CASES - finishedAtKill);
      expect(requestsAfter).toBeGreaterThan(0);
      expect(r.leaderboard[0]!.n).toBe(CASES);
      expect(r.variants[0]!.errored).toBe(0);
      expect(await cache.count()).toBe(CASES);
      expect(await handle.query(evalProgressQuery)).toMatchObject({
        stage: 'done',
        casesDone: CASES,
        shardsDone: 3,
        shardsTotal: 3,
      });
    } finally {
      await killHard(second.child);
    }
  });
});
