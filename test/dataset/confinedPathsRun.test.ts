/**
 * A client that skipped the spec checks starts a run on `/etc/passwd`: the real worker refuses at the first step,
 * once (not retried), and none of the file reaches history.
 */
import { createHash } from 'node:crypto';
import { startPipeline } from '../../cli/stack/startPipeline';
import { loadSpec } from '../../config/loadSpec';
import { PATH_NOT_ALLOWED } from '../../activities/confinedPath';
import { historyText } from '../support/historyText';
import { useHarness } from '../support/pipelineHarness';
import { EXAMPLE_SPEC } from '../support/specFiles';

describe('workers refuse a run whose spec names a file outside the allowed roots', () => {
  const h = useHarness('confined-paths');

  it('fails the prepare step non-retryably with PathNotAllowed after one attempt', async () => {
    const loaded = loadSpec(EXAMPLE_SPEC);
    // What a client that skipped loadSpec's check could send.
    const forged = {
      ...loaded,
      spec: { ...loaded.spec, name: 'forged-paths', dataset: { ...loaded.spec.dataset, path: '/etc/passwd' } },
      specSha256: createHash('sha256').update(`forged:${h.taskQueue}`).digest('hex'),
    };
    const { handle } = await startPipeline(h.client, forged, { taskQueue: h.taskQueue });
    // The pipeline fails (or records a failed step): either way the activity's words reach the client.
    const outcome = await handle.result().then(
      (r) => r,
      (e: unknown) => e,
    );
    const errors = (_k: string, v: unknown) => (v instanceof Error ? { message: v.message, cause: v.cause } : v);
    const seen = JSON.stringify(outcome, errors);
    expect(seen).toContain('outside the allowed roots');
    const history = await h.client.workflow.getHandle(handle.workflowId).fetchHistory();
    const text = historyText(history);
    expect(text).toContain(PATH_NOT_ALLOWED);
    expect(text).not.toContain('root:x:0:0');
    const started = (history.events ?? []).map((e) => e.activityTaskStartedEventAttributes).filter((a) => !!a);
    const attempts = started.map((a) => a.attempt);
    expect(attempts.every((a) => a === 1)).toBe(true);
  });
});
