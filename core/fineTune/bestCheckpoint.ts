/** One checkpoint of a fine-tuning job: the model name it is served as and the training step it was taken at. */
export interface Checkpoint {
  model: string;
  step: number;
}

/**
 * provider `self-hosted`: a checkpoint the trainer kept as an output of its own (its adapter, or full model), served
 * by its digest like the final output: `sha256` is its content digest, `path` its folder or its artifact-store URI.
 */
export interface TrainedCheckpoint extends Checkpoint {
  sha256: string;
  path: string;
}

/**
 * provider `self-hosted` under `checkpoints: best`: how many checkpoints' outputs the trainer keeps, the newest (as
 * OpenAI keeps the last three epochs'); each is a copy of the trained weights, so the count is bounded.
 */
export const SELF_HOSTED_CHECKPOINTS_KEPT = 3;

/** A checkpoint with its score on the validation split. */
export interface CheckpointScore extends Checkpoint {
  score: number;
}

/** The eval-suite variant ID a checkpoint is scored under. */
export const checkpointVariantId = (c: Checkpoint): string => `checkpoint-step-${c.step}`;

/**
 * The checkpoint to carry forward: the highest validation score; on a tie the later step (it has seen more data,
 * and the last one is the job's own model). Throws on an empty list: a succeeded job always has a checkpoint.
 */
export function bestCheckpoint(scores: readonly CheckpointScore[]): CheckpointScore {
  if (scores.length === 0) throw new Error('no checkpoints to choose from');
  const better = (c: CheckpointScore, best: CheckpointScore) =>
    c.score > best.score || (c.score === best.score && c.step > best.step);
  return scores.reduce((best, c) => (better(c, best) ? c : best));
}

/** One line for the run's steps and the audit: every checkpoint's score, in step order, and the one chosen. */
export function describeCheckpoints(scores: readonly CheckpointScore[], chosen: Checkpoint): string {
  const each = [...scores].sort((a, b) => a.step - b.step).map((c) => `step ${c.step} ${c.score.toFixed(3)}`);
  return `checkpoints on validation: ${each.join(', ')}; best step ${chosen.step}`;
}
