/**
 * Resolves "auto" hyperparameters the way OpenAI's are observed to resolve: epochs by the data-prep
 * cookbook formula (3, more for tiny sets, fewer for huge ones), batch size 1 for tiny sets. Batch
 * size then grows with the data so an epoch is about 32 steps, which keeps a local job of a few
 * hundred examples to a few seconds at the default step time.
 */
export interface Hyperparameters {
  n_epochs: number;
  batch_size: number;
  learning_rate_multiplier: number;
  /** DPO only. */
  beta?: number;
}

export type AutoOr<T> = T | 'auto' | undefined | null;

export function autoEpochs(n: number): number {
  const target = 3;
  if (n * target < 100) return Math.min(25, Math.floor(100 / Math.max(1, n)));
  if (n * target > 25000) return Math.max(1, Math.floor(25000 / n));
  return target;
}

export function autoBatchSize(n: number): number {
  return Math.min(256, Math.max(1, Math.ceil(n / 32)));
}

export const AUTO_LEARNING_RATE_MULTIPLIER = 2;
export const AUTO_BETA = 0.1;

function pick(v: AutoOr<number>, auto: number): number {
  return typeof v === 'number' ? v : auto;
}

export function resolveHyperparameters(
  n: number,
  requested: {
    n_epochs?: AutoOr<number>;
    batch_size?: AutoOr<number>;
    learning_rate_multiplier?: AutoOr<number>;
    beta?: AutoOr<number>;
  },
  withBeta = false,
): Hyperparameters {
  const out: Hyperparameters = {
    n_epochs: pick(requested.n_epochs, autoEpochs(n)),
    batch_size: Math.min(pick(requested.batch_size, autoBatchSize(n)), Math.max(1, n)),
    learning_rate_multiplier: pick(requested.learning_rate_multiplier, AUTO_LEARNING_RATE_MULTIPLIER),
  };
  if (withBeta) out.beta = pick(requested.beta, AUTO_BETA);
  return out;
}
