import { patched } from '@temporalio/workflow';
import type { TeacherAnswers } from '../../core/distill/distillTypes';
import { teacherStepDetail } from '../../core/report/distillSection';
import { proxyFor } from '../activityProxies';
import type { PipelineRun } from './pipelineRun';

/** A `distill:` run after the teacher answered: the run whose dataset is the teacher's answers. */
export interface DistilledRun {
  run: PipelineRun;
  teacher: TeacherAnswers;
}

/**
 * Before phase 1 of a `distill:` run: materialise the prompts (a file, or the alias's captured traffic), have the
 * teacher answer them (cached by content: a rerun asks nothing twice), and hand on the run with the teacher's
 * answers as its dataset, so prepare and validate check, count and price them like any file. Undefined for specs
 * without `distill:` (and histories from before it), which run as they always did.
 */
export async function distillTeacher(run: PipelineRun): Promise<DistilledRun | undefined> {
  const { spec } = run;
  if (!spec.distill || !patched('distill')) return undefined;
  const distill = spec.distill;
  // Its own steps in the table: the teacher's phase before prepare, the comparison before deploy.
  run.tracker.add('distill', 'prepare');
  run.tracker.add('compare', 'deploy');
  run.stage('distill');
  const teacher = await run.tracker.run(
    'distill',
    async () => {
      // The capture export that named the run, when its client passed it (older runs export anew, as before).
      const exported = run.input.distillPrompts;
      const { prompts } = await run.dataActivities.materializeDistillPrompts({
        prompts: distill.prompts,
        ...(exported ? { exported } : {}),
      });
      return proxyFor('evaluation', spec.timeouts).askTeacher({
        pipeline: spec.name,
        distill,
        provider: spec.provider,
        prompts,
      });
    },
    teacherStepDetail,
  );
  // The teacher's requests are money spent: the fine-tune's budget check sees only what is left after them.
  run.spend.totalUsd += teacher.spentUsd ?? 0;
  const distilledSpec = { ...spec, dataset: { ...spec.dataset, path: teacher.train.path } };
  const input = { ...run.input, spec: distilledSpec, datasetSha256: teacher.train.sha256 };
  return { run: { ...run, spec: distilledSpec, input }, teacher };
}
