/**
 * The DPO training loop. Loss per pair is DPO's: −log σ(β · (Δ(x, y⁺) − Δ(x, y⁻))), where Δ is the
 * learned log-ratio against the reference model; the reference term cancels because both outputs
 * share the input. Optimised by mini-batch AdaGrad; reports the loss and the fraction of pairs
 * already ranked correctly ("accuracy"), both before each update, as a training loop would.
 */
import { mixSeed, mulberry32, shuffled } from '../../../core/stats/rng';
import type { Hyperparameters } from './autoHyperparameters';
import { type SparseVector } from './features';
import { PREFERENCE_DIM, PreferenceModel, pairFeatures, score, type PreferencePair } from './preferenceModel';
import type { StepReport } from './supervisedTrainer';

export type { PreferencePair } from './preferenceModel';

interface EncodedPair {
  pair: PreferencePair;
  good: SparseVector;
  bad: SparseVector;
}

const BASE_LEARNING_RATE = 0.5;

export class PreferenceTrainer {
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  private completed = 0;
  private order: EncodedPair[] = [];
  private readonly weights = new Float32Array(PREFERENCE_DIM);
  private readonly g2 = new Float32Array(PREFERENCE_DIM).fill(0.1);
  private readonly train: EncodedPair[];
  private readonly valid: EncodedPair[];
  private readonly beta: number;

  constructor(
    trainPairs: readonly PreferencePair[],
    validPairs: readonly PreferencePair[],
    private readonly hp: Hyperparameters,
    private readonly seed: number,
    private readonly reference: string,
  ) {
    const encode = (pair: PreferencePair): EncodedPair => ({
      pair,
      good: pairFeatures(pair.input, pair.preferred),
      bad: pairFeatures(pair.input, pair.rejected),
    });
    this.train = trainPairs.map(encode);
    this.valid = validPairs.map(encode);
    this.beta = hp.beta ?? 0.1;
    this.stepsPerEpoch = Math.max(1, Math.ceil(this.train.length / hp.batch_size));
    this.totalSteps = this.stepsPerEpoch * hp.n_epochs;
  }

  get done(): boolean {
    return this.completed >= this.totalSteps;
  }

  get completedSteps(): number {
    return this.completed;
  }

  next(): StepReport {
    const epoch = Math.floor(this.completed / this.stepsPerEpoch);
    const within = this.completed % this.stepsPerEpoch;
    if (within === 0) this.order = shuffled(this.train, mulberry32(mixSeed(this.seed, epoch)));
    const batch = this.order.slice(within * this.hp.batch_size, (within + 1) * this.hp.batch_size);
    const m = this.evaluate(batch);
    this.update(batch);
    this.completed++;
    const report: StepReport = {
      step: this.completed,
      totalSteps: this.totalSteps,
      epoch: epoch + 1,
      epochEnd: within === this.stepsPerEpoch - 1,
      trainLoss: m.loss,
      trainAccuracy: m.accuracy,
    };
    if (this.valid.length > 0) {
      const start = (this.completed * this.hp.batch_size) % this.valid.length;
      const v = this.evaluate(this.valid.slice(start, start + this.hp.batch_size));
      report.validLoss = v.loss;
      report.validAccuracy = v.accuracy;
      if (report.epochEnd) {
        const f = this.evaluate(this.valid);
        report.fullValidLoss = f.loss;
        report.fullValidAccuracy = f.accuracy;
      }
    }
    return report;
  }

  model(): PreferenceModel {
    return new PreferenceModel(
      this.reference,
      this.beta,
      this.weights.slice(),
      this.train.map((e) => e.pair),
    );
  }

  private margin(e: EncodedPair): number {
    return this.beta * (score(this.weights, e.good) - score(this.weights, e.bad));
  }

  private evaluate(batch: EncodedPair[]) {
    let loss = 0;
    let hits = 0;
    for (const e of batch) {
      const m = this.margin(e);
      loss += Math.log1p(Math.exp(-m));
      if (m > 0) hits++;
    }
    return { loss: loss / Math.max(1, batch.length), accuracy: hits / Math.max(1, batch.length) };
  }

  private update(batch: EncodedPair[]): void {
    const grad = new Map<number, number>();
    const add = (x: SparseVector, c: number) =>
      x.idx.forEach((f, i) => grad.set(f, (grad.get(f) ?? 0) + c * x.val[i]!));
    for (const e of batch) {
      const sig = 1 / (1 + Math.exp(this.margin(e)));
      // d/dw of −log σ(βΔ⁺ − βΔ⁻) = −β σ(−m) (φ⁺ − φ⁻)
      add(e.good, -this.beta * sig);
      add(e.bad, this.beta * sig);
    }
    const lr = BASE_LEARNING_RATE * this.hp.learning_rate_multiplier;
    const n = Math.max(1, batch.length);
    for (const [f, g0] of grad) {
      const g = g0 / n;
      this.g2[f]! += g * g;
      this.weights[f]! -= (lr * g) / Math.sqrt(this.g2[f]!);
    }
  }
}
