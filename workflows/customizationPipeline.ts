import type { PipelineInput, PipelineResult } from '../core/pipeline/pipelineTypes';
import { cheaperVariants } from '../core/pipeline/pipelineVariants';
import { deployFineTuned } from './pipeline/deployFineTuned';
import { distillCompare } from './pipeline/distillCompare';
import { distillTeacher } from './pipeline/distillTeacher';
import { evaluateAndGate } from './pipeline/evaluateAndGate';
import { fineTuneUnderBudget } from './pipeline/fineTuneUnderBudget';
import { judgeCheaperVariants } from './pipeline/judgeCheaperVariants';
import { fineTunedResult, keepCheaperVariant } from './pipeline/pipelineResult';
import { startPipelineRun } from './pipeline/pipelineRun';
import { prepareAndValidate } from './pipeline/prepareAndValidate';
import { TailorOutcome } from '../core/operations/searchAttributes';

/**
 * The journey for one pipeline spec on one dataset, as named phases (workflows/pipeline/): prepare and validate;
 * under `fineTune.when: needed`, judge the cheaper variants and stop when one passes the gate; fine-tune under the
 * budget; evaluate and gate; deploy; the result. It holds only decisions and references; files, HTTP and the
 * registry live in activities and child workflows.
 */
export async function customizationPipeline(input: PipelineInput): Promise<PipelineResult> {
  const started = startPipelineRun(input);
  try {
    // `distill:` first has a teacher answer the prompts; its answers are the dataset from here on.
    const distilled = await distillTeacher(started);
    const run = distilled?.run ?? started;
    const data = await prepareAndValidate(run);
    const cheaper = cheaperVariants(input, data.prepared.train);
    const round = run.spec.fineTune.when === 'needed' ? await judgeCheaperVariants(run, data, cheaper) : undefined;
    if (round?.judged.chosen) return await keepCheaperVariant(run, data, round, round.judged.chosen);

    const fineTune = await fineTuneUnderBudget(run, data);
    const { evaluation, gate: judged } = await evaluateAndGate(run, data, cheaper, fineTune, round?.production);
    const { gate, distill } = distilled
      ? await distillCompare(distilled, fineTune, judged)
      : { gate: judged, distill: undefined };
    const deploy = await deployFineTuned(run, data, fineTune, evaluation, gate);
    return await fineTunedResult(run, data, { fineTune, evaluation, gate, deploy, judged: round?.judged, distill });
  } catch (err) {
    started.mark([{ key: TailorOutcome, value: 'failed' }]);
    throw err;
  }
}
