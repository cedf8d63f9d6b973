import fs from 'node:fs';
import { parse, stringify } from 'yaml';
import { startPipeline } from '../../cli/stack/startPipeline';
import { loadSpec } from '../../config/loadSpec';
import type { AuditReport } from '../../core/audit/auditTypes';
import type { EvalSuiteResult } from '../../core/evalSuite/evalSuiteRun';
import { cliEnv, smallSpec, uniqueName } from '../operations/support';
import { sdk } from '../support/backendAdmin';
import { useHarness } from '../support/pipelineHarness';
import { maybeRecordHistories } from '../support/recordHistories';
import { runCli } from '../support/runCli';

/**
 * A copy of the example on 200 tickets (20 validation, 40 test), three epochs, every held-out example scored, and a
 * gate at 0.5 (the base model scores about 0.1 here, a well-trained one about 0.9).
 */
function specFile(prefix: string, checkpoints?: 'best'): string {
  const { specFile: file } = smallSpec(uniqueName(prefix), { lines: 200 });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed YAML spec, edited in place
  const spec = parse(fs.readFileSync(file, 'utf8')) as Record<string, any>;
  spec.fineTune.method.hyperparameters.n_epochs = 3;
  if (checkpoints) spec.fineTune.checkpoints = checkpoints;
  spec.evaluation = { metric: 'exact_match', concurrency: 8 };
  spec.gate = { minImprovement: 0, minScore: 0.5 };
  fs.writeFileSync(file, stringify(spec));
  return file;
}

/**
 * `fineTune.checkpoints: best` with the local backend, whose `train.degrade_final` fault makes the final epoch's
 * model answer with the wrong labels (a stand-in for a last epoch that overfits): the earlier checkpoints score
 * better on the validation split, so the gate must see one of them, never the job's final model.
 */
describe('fineTune.checkpoints: best', () => {
  const h = useHarness('checkpoints', { backend: { faults: 'train.degrade_final=1' } });

  it(
    'scores every checkpoint on the validation split, ' + 'gates the best one, and the audit lists every score',
    async () => {
      const { handle, runId } = await startPipeline(h.client, loadSpec(specFile('ckpt-best', 'best')), {
        taskQueue: h.taskQueue,
      });
      const result = await handle.result();
      const ft = result.fineTune!;
      const job = await sdk(h.backend.baseURL).fineTuning.jobs.retrieve(ft.jobId);
      const listed = (await sdk(h.backend.baseURL).fineTuning.jobs.checkpoints.list(ft.jobId)).data;

      // All three epochs' checkpoints were scored; the last (degraded) one scored lowest, an earlier one was carried.
      const { scores, chosen } = ft.checkpoints!;
      expect(scores.map((s) => s.model).sort()).toEqual(listed.map((c) => c.fine_tuned_model_checkpoint).sort());
      expect(scores).toHaveLength(3);
      const last = scores[scores.length - 1]!;
      expect(last.step).toBe(Math.max(...scores.map((s) => s.step)));
      expect(chosen.step).toBeLessThan(last.step);
      expect(scores.find((s) => s.step === chosen.step)!.score).toBeGreaterThan(last.score + 0.3);
      expect(ft.model).toBe(chosen.model);
      expect(ft.model).not.toBe(job.fine_tuned_model);

      // The checkpoints were scored on the validation split; the gate's evaluation on the untouched test split saw
      // the chosen checkpoint as the fine-tuned model, which passed and was promoted.
      const byCkpt = (await h.client.workflow.getHandle(`${runId}/fine-tune-checkpoints`).result()) as EvalSuiteResult;
      const { validation, test } = result.prepared.counts;
      expect(validation).not.toBe(test);
      expect(byCkpt.cases.count).toBe(validation);
      expect(byCkpt.leaderboard.every((s) => s.n === validation)).toBe(true);
      const evaluation = (await h.client.workflow.getHandle(`${runId}/evaluate`).result()) as EvalSuiteResult;
      expect(evaluation.cases.count).toBe(test);
      expect(result.leaderboard.find((s) => s.variantId === 'fine-tuned')?.model).toBe(chosen.model);
      expect(result.gate.passed).toBe(true);
      expect(result.deploy).toMatchObject({ outcome: 'promoted', model: chosen.model });

      // `tailor audit` shows every checkpoint's score on the fine-tune step, and the scoring child under that step.
      const out = await runCli(['audit', runId, '--json'], cliEnv(h));
      expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: '' });
      const r = JSON.parse(out.stdout) as AuditReport;
      const detail = r.steps.find((s) => s.name === 'fine-tune')!.detail!;
      for (const s of scores) expect(detail).toContain(`step ${s.step} ${s.score.toFixed(3)}`);
      expect(detail).toContain(`best step ${chosen.step}`);
      expect(r.children.map((c) => c.workflowId)).toContain(`${runId}/fine-tune-checkpoints`);
      expect(r.activities.find((a) => a.name === 'listJobCheckpoints')?.step).toBe('fine-tune');
      await maybeRecordHistories(h.client, 'pipeline-best-checkpoint', [runId]);
    },
  );

  it('by default gates the job’s final model, as before (here the degraded one, which fails the gate)', async () => {
    const { handle, runId } = await startPipeline(h.client, loadSpec(specFile('ckpt-last')), {
      taskQueue: h.taskQueue,
    });
    const result = await handle.result();
    const job = await sdk(h.backend.baseURL).fineTuning.jobs.retrieve(result.fineTune!.jobId);
    expect(result.fineTune!.model).toBe(job.fine_tuned_model);
    expect(result.fineTune!.checkpoints).toBeUndefined();
    expect(result.deploy.outcome).toBe('gate_failed');
    await expect(h.client.workflow.getHandle(`${runId}/fine-tune-checkpoints`).describe()).rejects.toThrow(
      /not found/i,
    );
  });
});
