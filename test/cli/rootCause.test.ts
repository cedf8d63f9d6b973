import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { Failure } from '../../core/failures/failureTypes';
import { useHarness } from '../support/pipelineHarness';
import { runCli } from '../support/runCli';
import { EXAMPLE_SPEC, exampleSpecWith } from '../support/specFiles';
import { testTemporalAddress } from '../support/temporal';

/**
 * `tailor run --wait`, `tailor status` and `tailor demo` read a failed run's root cause through one function
 * (core/failures/failureCause.ts): the same failure prints the same message and type in each, never the wrapper's
 * "Activity task failed". The failure here is an activity's (the dataset over its byte limit), two levels below the
 * client's WorkflowFailedError.
 */
describe('one root cause in every command', () => {
  const h = useHarness('root-cause');
  const env = () => ({
    TEMPORAL_ADDRESS: testTemporalAddress(),
    TEMPORAL_NAMESPACE: 'default',
    TAILOR_TASK_QUEUE: h.taskQueue,
    TAILOR_HOME: h.home,
  });
  const example = parse(fs.readFileSync(EXAMPLE_SPEC, 'utf8')) as { dataset: { path: string } };
  const dataset = { ...example.dataset, path: path.resolve(path.dirname(EXAMPLE_SPEC), example.dataset.path) };
  const LIMIT = /exceeds the 100-byte limit \(dataset\.limits\.maxFileBytes\)/;

  it('run --wait, status and demo print the same root cause for the same failure', async () => {
    const failing = exampleSpecWith({ name: 'root-cause', dataset: { ...dataset, limits: { maxFileBytes: 100 } } });
    const run = await runCli(['run', failing, '--wait', '--json'], env());
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 1, stderr: expect.any(String) });
    const waited = JSON.parse(run.stdout) as { ok: boolean; runId: string; error: string };
    expect(waited.ok).toBe(false);
    expect(waited.error).toMatch(LIMIT);
    expect(waited.error).not.toContain('Activity task failed');

    const status = await runCli(['status', waited.runId, '--json'], env());
    const viewed = JSON.parse(status.stdout) as { error: string; errorType?: string };
    expect(viewed).toMatchObject({ error: waited.error, errorType: Failure.InvalidDataset });
    const human = await runCli(['status', waited.runId], env());
    expect(human.stdout).toContain(`FAILED: ${waited.error}`);

    // The demo attaches to the same server with a worker of its own and starts a fresh run of the same spec.
    const demo = await runCli(['demo', '--spec', failing, '--json'], env());
    expect(demo.code).toBe(1);
    const demoed = JSON.parse(demo.stdout) as { ok: boolean; runId: string; error: string };
    expect(demoed.runId).not.toBe(waited.runId);
    expect(demoed).toMatchObject({ ok: false, error: waited.error });
  }, 240_000);
});
