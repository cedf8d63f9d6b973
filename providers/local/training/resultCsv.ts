/** The per-step results file OpenAI attaches to a succeeded job (`result_files[0]`). */
import type { StepReport } from '../learners/supervisedTrainer';

export function resultCsv(reports: readonly StepReport[]): string {
  const rows = ['step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy'];
  for (const r of reports) {
    rows.push(
      [
        r.step,
        r.trainLoss.toFixed(5),
        r.trainAccuracy.toFixed(5),
        r.validLoss?.toFixed(5) ?? '',
        r.validAccuracy?.toFixed(5) ?? '',
      ].join(','),
    );
  }
  return rows.join('\n') + '\n';
}
