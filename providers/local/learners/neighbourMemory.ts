/**
 * A nearest-neighbour responder: the fine-tuned learner for free-text answers, where there are too
 * many distinct answers for a classifier. "Training" memorises examples batch by batch; the loss of
 * a batch is measured against the memory before the batch joins it, so epoch one reports how well
 * neighbours generalise and later epochs show memorisation: a real loss that falls.
 */
import { type SparseVector, dot } from './features';

export interface MemoryItem {
  x: SparseVector;
  output: string;
  /** The input text, kept so a memory can be saved and rebuilt. */
  input?: string;
}

/** Turns similarity into preference, as in the prompt learners. */
const SCALE = 20;

export class NeighbourMemory {
  readonly items: MemoryItem[] = [];
  private readonly seen = new Set<string>();

  /** Adds an example unless the same input/output pair is already memorised. */
  add(item: MemoryItem, key: string): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(item);
  }

  /** Best similarity of the input to a memorised example, per answer. */
  answerScores(x: SparseVector): Map<string, number> {
    const best = new Map<string, number>();
    for (const it of this.items) {
      const s = dot(x, it.x);
      if (s > (best.get(it.output) ?? -1)) best.set(it.output, s);
    }
    return best;
  }

  /** Cross-entropy of the true answer under a softmax over answers (an unseen answer scores 0). */
  evaluate(batch: readonly MemoryItem[]): { loss: number; accuracy: number } {
    let loss = 0;
    let hits = 0;
    for (const ex of batch) {
      const scores = this.answerScores(ex.x);
      const own = scores.get(ex.output) ?? 0;
      let z = Math.exp(SCALE * own);
      let top = own;
      let topIsOwn = scores.has(ex.output);
      for (const [answer, s] of scores) {
        if (answer === ex.output) continue;
        z += Math.exp(SCALE * s);
        if (s > top) {
          top = s;
          topIsOwn = false;
        }
      }
      loss += -Math.log(Math.exp(SCALE * own) / z);
      if (topIsOwn) hits++;
    }
    return { loss: loss / Math.max(1, batch.length), accuracy: hits / Math.max(1, batch.length) };
  }
}
