import fs from 'node:fs';
import path from 'node:path';
import { Registry } from '../stores/registry/registryDb';
import { startPipeline } from '../cli/stack/startPipeline';
import { loadSpec } from '../config/loadSpec';
import { TailorPipeline } from '../core/operations/searchAttributes';
import { progressQuery } from '../workflows/messages';
import { useHarness } from './support/pipelineHarness';
import { maybeRecordHistories } from './support/recordHistories';
import { eventually } from './support/temporal';

const SPEC = path.join(__dirname, '..', 'examples', 'support-tickets', 'pipeline.yaml');

describe('customizationPipeline, whole journey on a real dev server, real worker and the local backend', () => {
  const h = useHarness('pipeline');

  it('prepares, validates, fine-tunes, evaluates and deploys; the fine-tuned model beats the base model', async () => {
    const loaded = loadSpec(SPEC);
    const started = await startPipeline(h.client, loaded, { taskQueue: h.taskQueue });
    expect(started.existing).toBe(false);
    const result = await started.handle.result();

    expect(result.steps.map((s) => [s.name, s.status])).toEqual([
      ['prepare', 'completed'],
      ['validate', 'completed'],
      ['fine-tune', 'completed'],
      ['evaluate', 'completed'],
      ['deploy', 'completed'],
    ]);
    const score = (id: string) => result.leaderboard.find((s) => s.variantId === id)!;
    expect(score('fine-tuned').n).toBe(score('base-zero-shot').n);
    expect(score('fine-tuned').n).toBeGreaterThan(50);
    expect(score('fine-tuned').score).toBeGreaterThan(score('base-zero-shot').score);
    expect(result.fineTune!.model).toMatch(/^ft:gpt-4o-mini-2024-07-18:/);
    expect(result.deploy.outcome).toBe('promoted');

    // The registry, read directly, agrees with the workflow: prod names the new model, with its lineage.
    const registry = new Registry(path.join(h.home, 'registry.db'));
    try {
      expect(registry.resolveAlias('support-tickets', 'prod')).toBe(result.fineTune!.model);
      expect(registry.getModel(result.fineTune!.model)?.jobId).toBe(result.fineTune!.jobId);
      expect(registry.aliasHistory('support-tickets', 'prod')).toHaveLength(1);
    } finally {
      registry.close();
    }
    // The report was written, and the progress query answers after completion.
    const reportDir = path.join(h.home, 'reports', result.runId);
    expect(fs.readFileSync(path.join(reportDir, 'report.md'), 'utf8')).toContain(result.fineTune!.model);
    const progress = await started.handle.query(progressQuery);
    expect(progress.stage).toBe('done');

    // Exactly one fine-tuning job carries this run's tag at the provider.
    const jobs = await fetch(
      `${h.backend.baseURL}/fine_tuning/jobs?metadata[tailor_run]=${encodeURIComponent(`${result.runId}/fine-tune`)}`,
      {
        headers: { authorization: 'Bearer test' },
      },
    ).then((r) => r.json() as Promise<{ data: unknown[] }>);
    expect(jobs.data).toHaveLength(1);

    // Findable by search attribute (visibility is eventually consistent).
    const listed = await eventually('the run in visibility', async () => {
      for await (const wf of h.client.workflow.list({
        query: `TailorPipeline = 'support-tickets' AND WorkflowId = '${result.runId}'`,
      })) {
        return wf;
      }
      return undefined;
    });
    expect(listed.typedSearchAttributes.get(TailorPipeline)).toBe('support-tickets');

    await maybeRecordHistories(h.client, 'pipeline-success', [
      result.runId,
      ...['fine-tune', 'evaluate', 'deploy'].map((c) => `${result.runId}/${c}`),
    ]);

    // Runs are named by content: the same spec on the same data is a no-op returning the same run.
    const again = await startPipeline(h.client, loaded, { taskQueue: h.taskQueue });
    expect(again).toMatchObject({ runId: started.runId, existing: true });
  });
});
