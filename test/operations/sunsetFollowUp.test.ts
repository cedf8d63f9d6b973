import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { Registry } from '../../stores/registry/registryDb';
import { sha256File } from '../../cli/stack/datasetHash';
import { loadSpec } from '../../config/loadSpec';
import { resolveSuccessor } from '../../config/successorSpec';
import { pipelineRunId } from '../../core/operations/pipelineRunId';
import type { PipelineResult } from '../../core/pipeline/pipelineTypes';
import { sunsetWatchWorkflow, type SunsetWatchResult } from '../../workflows/sunsetWatchWorkflow';
import { useHarness } from '../support/pipelineHarness';
import { maybeRecordHistories } from '../support/recordHistories';
import { runCli } from '../support/runCli';
import { eventually, sharedBundle } from '../support/temporal';
import { cliEnv, smallSpec, uniqueName } from './support';

const DOOMED = 'gpt-4.1-nano-2025-04-14'; // the local backend lists it with shutdown_date 2026-10-23
const SUCCESSOR = 'gpt-4.1-mini-2025-04-14';

describe('sunset follow-up: a successor pipeline on the new base model, started exactly once', () => {
  const h = useHarness('sunset-follow-up');

  it(
    'the watch starts one successor run, a second check starts none, and the run fine-tunes the successor base ' +
      'gated against prod',
    async () => {
      const name = uniqueName('sunset-successor');
      const { specFile, dataFile } = smallSpec(name, { lines: 60 });
      // prod serves the doomed base model itself (unregistered, so it is its own base).
      const registry = new Registry(path.join(h.home, 'registry.db'));
      registry.moveAlias({ pipeline: name, alias: 'prod', toModel: DOOMED, who: 'test', why: 'seed', runId: null });
      registry.close();

      const successor = resolveSuccessor({ spec: specFile, baseModel: SUCCESSOR, onBase: DOOMED }, process.cwd());
      const datasetSha256 = await sha256File(dataFile);
      const expectedId = pipelineRunId(name, datasetSha256, successor.specSha256);
      // Named apart from the original spec's own run on this data: the override is part of the name.
      expect(expectedId).not.toBe(pipelineRunId(name, datasetSha256, loadSpec(specFile).specSha256));

      const checkId = uniqueName('sunset-check');
      const first: SunsetWatchResult = await h.client.workflow.execute(sunsetWatchWorkflow, {
        workflowId: checkId,
        taskQueue: h.taskQueue,
        args: [{ horizonMs: 30 * 86_400_000, pipeline: name, successors: [successor], indexed: true }],
      });
      expect(first.findings.map((f) => [f.pipeline, f.baseModel])).toEqual([[name, DOOMED]]);
      expect(first.followUps).toEqual([
        {
          pipeline: name,
          sunsetting: [DOOMED],
          successorBaseModel: SUCCESSOR,
          datasetSha256,
          workflowId: expectedId,
          started: true,
        },
      ]);
      await Worker.runReplayHistory(
        { workflowBundle: await sharedBundle() },
        await h.client.workflow.getHandle(checkId).fetchHistory(),
        checkId,
      );
      await maybeRecordHistories(h.client, 'sunset-follow-up', [checkId]);

      // The same check from the CLI (as a schedule would run it): the run exists, nothing new starts.
      const again = await runCli(
        [
          'sunset',
          '--horizon',
          '30d',
          '--pipeline',
          name,
          '--successor-spec',
          specFile,
          '--successor-base',
          SUCCESSOR,
          '--on-base',
          DOOMED,
          '--json',
        ],
        cliEnv(h),
      );
      expect(again.code).toBe(1); // findings still exit 1
      expect((JSON.parse(again.stdout) as SunsetWatchResult).followUps).toEqual([
        expect.objectContaining({ workflowId: expectedId, started: false }),
      ]);
      // A rule for another base model calls for nothing.
      const other = await runCli(
        [
          'sunset',
          '--horizon',
          '30d',
          '--pipeline',
          name,
          '--successor-spec',
          specFile,
          '--on-base',
          'gpt-3.5-turbo-0125',
          '--json',
        ],
        cliEnv(h),
      );
      expect((JSON.parse(other.stdout) as SunsetWatchResult).followUps).toEqual([]);

      const result = (await h.client.workflow.getHandle(expectedId).result()) as PipelineResult;
      expect(result.validation.estimate.model).toBe(SUCCESSOR);
      expect(result.fineTune!.model).toMatch(new RegExp(`^ft:${SUCCESSOR}:`));
      // Gated against the model the alias serves today, as any run is.
      expect(result.leaderboard.find((v) => v.variantId === 'production')?.model).toBe(DOOMED);
      expect(result.gate.baseline.kind).toBe('production');
      // Exactly one pipeline run for this pipeline, tagged so `tailor runs` finds it.
      const runs = await eventually('the run in visibility', async () => {
        const ids: string[] = [];
        for await (const wf of h.client.workflow.list({
          query: `WorkflowType = 'customizationPipeline' AND TailorPipeline = '${name}'`,
        }))
          ids.push(wf.workflowId);
        return ids.length ? ids : undefined;
      });
      expect(runs).toEqual([expectedId]);
    },
  );

  it('a bad successor file or option is a clear usage error naming the file, line and key', async () => {
    const { specFile } = smallSpec(uniqueName('sunset-bad'), { lines: 20 });
    const file = path.join(path.dirname(specFile), 'successors.yaml');
    fs.writeFileSync(file, `successors:\n  - spec: pipeline.yaml\n    baseModle: ${SUCCESSOR}\n`);
    const typo = await runCli(['sunset', '--successors', file], cliEnv(h));
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(`${file}:3: successors.0.baseModle: unknown key 'baseModle'`);
    fs.writeFileSync(file, 'successors:\n  - spec: missing.yaml\n');
    const missing = await runCli(['sunset', '--successors', file], cliEnv(h));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`${path.join(path.dirname(file), 'missing.yaml')}: cannot read the file (ENOENT)`);
    const orphan = await runCli(['sunset', '--successor-base', SUCCESSOR], cliEnv(h));
    expect(orphan).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--successor-base and --on-base go with --successor-spec FILE'),
    });
    expect(typo.stderr + missing.stderr + orphan.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
