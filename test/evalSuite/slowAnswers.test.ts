import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadEvalSuite } from '../../config/evalSuiteSpec';
import { evalSuiteWorkflow } from '../../workflows/evalSuiteWorkflow';
import { setFaults } from '../support/backendAdmin';
import { useHarness } from '../support/pipelineHarness';

const SUITE = path.join(__dirname, '..', '..', 'examples', 'support-tickets', 'eval', 'suite.yaml');

/**
 * One answer can take longer than a shard's heartbeat timeout (a CPU model on a loaded machine takes tens of
 * seconds per answer): the shard heartbeats on a timer while it waits, so it is not retried as if its worker had
 * died, and every case is asked once.
 */
describe('eval answers slower than the heartbeat timeout', () => {
  const h = useHarness('eval-slow-answers', { timeoutMs: 60_000 });

  it('the shard finishes in one attempt', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-slow-answers-'));
    try {
      await setFaults(h.backend.baseURL, 'chat=slow:3500'); // each answer 3.5 s, against a 1 s heartbeat timeout
      const loaded = loadEvalSuite(SUITE, { models: ['gpt-4o-mini-2024-07-18'] });
      const suite = {
        ...loaded,
        cases: { ...loaded.cases, sample: undefined, limit: 3 },
        variants: loaded.variants.filter((v) => v.id === 'zero-shot'),
        candidate: 'zero-shot',
        baseline: undefined,
        gate: [],
        execution: { shardSize: 3, concurrency: 3, shardsInFlight: 1, heartbeatTimeout: '1 second' },
      };
      const handle = await h.client.workflow.start(evalSuiteWorkflow, {
        taskQueue: h.taskQueue,
        workflowId: `eval-slow-${Date.now()}`,
        args: [{ suite }],
      });
      const result = await handle.result();
      expect(result.cases.count).toBe(3);
      expect(result.providerCalls).toBe(3);
      const attempts = ((await handle.fetchHistory()).events ?? []).flatMap((e) => {
        const started = e.activityTaskStartedEventAttributes;
        return started ? [started.attempt ?? 1] : [];
      });
      expect(attempts.length).toBeGreaterThan(0);
      expect(Math.max(...attempts)).toBe(1);
    } finally {
      await setFaults(h.backend.baseURL, '');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
