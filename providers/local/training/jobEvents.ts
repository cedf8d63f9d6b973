/**
 * Event objects in OpenAI's shape and wording (`Step 12/90: training loss=0.41`, `Checkpoint
 * created at step 30 with Snapshot ID: …`), so logs and tools that read events work unchanged.
 */
import type { StepReport } from '../learners/supervisedTrainer';
import { newEventId, nowSeconds } from '../store/ids';

export interface EventObject {
  object: 'fine_tuning.job.event';
  id: string;
  created_at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
  type: 'message' | 'metrics';
  data: Record<string, unknown>;
}

export function messageEvent(message: string, level: EventObject['level'] = 'info'): EventObject {
  return {
    object: 'fine_tuning.job.event',
    id: newEventId(),
    created_at: nowSeconds(),
    level,
    message,
    type: 'message',
    data: {},
  };
}

const round = (x: number) => Number(x.toFixed(4));

export function metricsData(r: StepReport): Record<string, number> {
  const data: Record<string, number> = {
    step: r.step,
    total_steps: r.totalSteps,
    train_loss: round(r.trainLoss),
    train_mean_token_accuracy: round(r.trainAccuracy),
  };
  if (r.validLoss !== undefined) {
    data.valid_loss = round(r.validLoss);
    data.valid_mean_token_accuracy = round(r.validAccuracy ?? 0);
  }
  if (r.fullValidLoss !== undefined) {
    data.full_valid_loss = round(r.fullValidLoss);
    data.full_valid_mean_token_accuracy = round(r.fullValidAccuracy ?? 0);
  }
  return data;
}

export function metricsEvent(r: StepReport): EventObject {
  let message = `Step ${r.step}/${r.totalSteps}: training loss=${r.trainLoss.toFixed(2)}`;
  if (r.validLoss !== undefined) message += `, validation loss=${r.validLoss.toFixed(2)}`;
  if (r.fullValidLoss !== undefined && r.step === r.totalSteps)
    message += `, full validation loss=${r.fullValidLoss.toFixed(2)}`;
  return {
    object: 'fine_tuning.job.event',
    id: newEventId(),
    created_at: nowSeconds(),
    level: 'info',
    message,
    type: 'metrics',
    data: metricsData(r),
  };
}
