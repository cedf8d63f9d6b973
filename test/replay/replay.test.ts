import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR } from '../support/recordHistories';
import { sharedBundle } from '../support/temporal';

/**
 * Replays recorded histories of real runs against today's workflow code. A change that would make a running
 * workflow non-deterministic throws DeterminismViolationError here; guard such changes with `patched()`.
 */
const files = fs.existsSync(HISTORIES_DIR) ? fs.readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json')) : [];

describe('replay of recorded histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s replays deterministically', async (file) => {
    const history = JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8'));
    // Replay under the run's own ID: the pipeline names its children after it.
    const workflowId: string =
      history.events[0].workflowExecutionStartedEventAttributes.workflowId ?? file.replace(/\.json$/, '');
    await Worker.runReplayHistory({ workflowBundle: await sharedBundle() }, history, workflowId);
  });
});
