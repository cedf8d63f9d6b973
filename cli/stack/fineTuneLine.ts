import type { FineTuneProgress, TrainerProgress } from '../../core/pipeline/fineTuneTypes';

/** One line for a fine-tune in progress: the provider job's status and losses, or the self-hosted trainer's step. */
export function fineTuneLine(ft: FineTuneProgress): string {
  const j = ft.job;
  if (j) {
    const step = j.step != null ? ` step ${j.step}` : '';
    const train = j.trainLoss != null ? ` train loss ${j.trainLoss.toFixed(3)}` : '';
    const valid = j.validLoss != null ? ` valid loss ${j.validLoss.toFixed(3)}` : '';
    return `job ${j.jobId} ${j.status}${step}${train}${valid}`;
  }
  const t = ft.trainer;
  if (t && (ft.phase === 'training' || ft.phase === 'paused')) {
    const where = `${ft.phase === 'paused' ? 'paused at ' : ''}step ${t.step}${t.maxSteps ? `/${t.maxSteps}` : ''}`;
    const loss = t.loss != null ? ` loss ${t.loss.toFixed(3)}` : '';
    const pace = ft.phase === 'training' ? trainerPace(t) : '';
    const attempt = t.attempt > 1 ? ` (attempt ${t.attempt})` : '';
    const spent = ft.spentUsd ? `, $${ft.spentUsd.toFixed(4)} spent` : '';
    return `trainer ${where}${loss}${pace}${attempt}${spent}`;
  }
  return ft.phase.replace(/_/g, ' ');
}

/** `, 46 tokens/s, ETA 3 min 20 s` from the trainer's pace, or nothing before it is known. */
function trainerPace(t: TrainerProgress): string {
  const parts: string[] = [];
  const tps = t.tokensPerSecond;
  if (tps != null && Number.isFinite(tps) && tps > 0) {
    parts.push(`${tps >= 100 ? Math.round(tps) : tps.toPrecision(2)} tokens/s`);
  }
  const eta = t.etaSeconds;
  if (eta != null && Number.isFinite(eta) && eta >= 0) parts.push(`ETA ${formatEta(eta)}`);
  return parts.length ? `, ${parts.join(', ')}` : '';
}

/** Seconds as a short remaining time: `40 s`, `3 min 20 s`, `2 h 05 min`. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
