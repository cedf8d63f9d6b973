import type { FineTuneProgress } from '../../core/pipeline/fineTuneTypes';

/** One line for a fine-tune in progress: the provider job's status and losses, or the self-hosted trainer's step. */
export function fineTuneLine(ft: FineTuneProgress): string {
  const j = ft.job;
  if (j) {
    return `job ${j.jobId} ${j.status}${j.step != null ? ` step ${j.step}` : ''}${j.trainLoss != null ? ` train loss ${j.trainLoss.toFixed(3)}` : ''}${j.validLoss != null ? ` valid loss ${j.validLoss.toFixed(3)}` : ''}`;
  }
  const t = ft.trainer;
  if (t && (ft.phase === 'training' || ft.phase === 'paused')) {
    const spent = ft.spentUsd ? `, $${ft.spentUsd.toFixed(4)} spent` : '';
    return `trainer ${ft.phase === 'paused' ? 'paused at ' : ''}step ${t.step}${t.maxSteps ? `/${t.maxSteps}` : ''}${t.loss != null ? ` loss ${t.loss.toFixed(3)}` : ''}${t.attempt > 1 ? ` (attempt ${t.attempt})` : ''}${spent}`;
  }
  return ft.phase.replace(/_/g, ' ');
}
