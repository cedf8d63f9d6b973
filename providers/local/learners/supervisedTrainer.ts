/**
 * The supervised training loop, one mini-batch per `next()` call, so the backend can spread steps
 * over wall time, pause between them, and replay them after a restart. Everything is a pure function
 * of (data, hyperparameters, seed): the epoch shuffles come from the seed, so replaying N steps
 * rebuilds exactly the weights an uninterrupted run had at step N.
 */
import { mixSeed, mulberry32, shuffled } from '../../../core/stats/rng';
import type { TrainingPair } from './trainingPairs';
import type { Hyperparameters } from './autoHyperparameters';
import { SoftmaxClassifier, type LabelledVector } from './softmaxClassifier';
import { NeighbourMemory, type MemoryItem } from './neighbourMemory';
import {
  FineTunedModel,
  chooseKind,
  classifierDim,
  classifierFeatures,
  neighbourFeatures,
  type FineTunedModelData,
} from './fineTunedModel';

/** AdaGrad step size at learning_rate_multiplier 1. */
export const BASE_LEARNING_RATE = 4;

export interface StepReport {
  step: number;
  totalSteps: number;
  epoch: number;
  epochEnd: boolean;
  trainLoss: number;
  trainAccuracy: number;
  validLoss?: number;
  validAccuracy?: number;
  fullValidLoss?: number;
  fullValidAccuracy?: number;
}

type Example = LabelledVector & MemoryItem;

export class SupervisedTrainer {
  readonly kind: 'classifier' | 'neighbour';
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  private completed = 0;
  private order: Example[] = [];
  private validOrder: Example[] = [];
  private validCursor = 0;
  private readonly classifier: SoftmaxClassifier | null = null;
  private readonly memory: NeighbourMemory | null = null;
  private readonly train: Example[];
  private readonly valid: Example[];

  constructor(
    trainPairs: readonly TrainingPair[],
    validPairs: readonly TrainingPair[],
    private readonly hp: Hyperparameters,
    private readonly seed: number,
    /** A fine-tuned model to continue training from (OpenAI's `model: "ft:…"`); same kind only. */
    init?: FineTunedModelData,
  ) {
    this.kind = init?.kind === 'classifier' || init?.kind === 'neighbour' ? init.kind : chooseKind(trainPairs);
    let encode: (p: TrainingPair) => Example;
    if (this.kind === 'classifier') {
      const prior = init?.kind === 'classifier' ? init : null;
      const labels = [...new Set([...(prior?.labels ?? []), ...trainPairs.map((p) => p.output)])].sort();
      const index = new Map(labels.map((l, i) => [l, i]));
      const dim = prior && classifierDim(labels.length) <= prior.dim ? prior.dim : classifierDim(labels.length);
      this.classifier = new SoftmaxClassifier(labels, dim);
      if (prior && prior.dim === dim) warmStart(this.classifier, prior, index);
      encode = (p) => ({
        x: classifierFeatures(p.input, dim),
        y: index.get(p.output) ?? -1,
        output: p.output,
        input: p.input,
      });
    } else {
      this.memory = new NeighbourMemory();
      if (init?.kind === 'neighbour') {
        for (const ex of init.examples)
          this.memory.add(
            { x: neighbourFeatures(ex.input), output: ex.output, input: ex.input },
            `${ex.input}\u0000${ex.output}`,
          );
      }
      encode = (p) => ({ x: neighbourFeatures(p.input), y: -1, output: p.output, input: p.input });
    }
    this.train = trainPairs.map(encode);
    this.valid = validPairs.map(encode);
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
    if (this.done) throw new Error('training already finished');
    const epoch = Math.floor(this.completed / this.stepsPerEpoch);
    const within = this.completed % this.stepsPerEpoch;
    if (within === 0) this.order = shuffled(this.train, mulberry32(mixSeed(this.seed, epoch)));
    const batch = this.order.slice(within * this.hp.batch_size, (within + 1) * this.hp.batch_size);
    const m = this.learn(batch);
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
      const v = this.evaluate(this.nextValidBatch());
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

  /** The model as trained so far (a checkpoint when called at an epoch end). */
  model(): FineTunedModel {
    if (this.classifier) {
      const c = this.classifier;
      return FineTunedModel.fromClassifier(new SoftmaxClassifier(c.labels, c.dim, c.weights.slice(), c.bias.slice()));
    }
    const copy = new NeighbourMemory();
    for (const it of this.memory!.items) copy.add(it, `${it.input}\u0000${it.output}`);
    return FineTunedModel.fromMemory(copy);
  }

  private learn(batch: Example[]) {
    if (this.classifier) return this.classifier.step(batch, BASE_LEARNING_RATE * this.hp.learning_rate_multiplier);
    const m = this.memory!.evaluate(batch);
    for (const ex of batch) this.memory!.add(ex, `${ex.input}\u0000${ex.output}`);
    return m;
  }

  private evaluate(batch: Example[]) {
    return this.classifier ? this.classifier.evaluate(batch) : this.memory!.evaluate(batch);
  }

  /** A validation batch of the training batch size, cycling through a seeded shuffle of the set. */
  private nextValidBatch(): Example[] {
    const size = Math.min(this.hp.batch_size, this.valid.length);
    const out: Example[] = [];
    for (let i = 0; i < size; i++) {
      if (this.validCursor % this.valid.length === 0) {
        this.validOrder = shuffled(this.valid, mulberry32(mixSeed(this.seed, 0x7a11d, this.validCursor)));
      }
      out.push(this.validOrder[this.validCursor % this.valid.length]!);
      this.validCursor++;
    }
    return out;
  }
}

/** Copies a saved classifier's weights into a new one whose label set contains the old labels. */
function warmStart(
  target: SoftmaxClassifier,
  prior: Extract<FineTunedModelData, { kind: 'classifier' }>,
  index: Map<string, number>,
): void {
  const old = FineTunedModel.fromData(prior).classifierWeights();
  if (!old) return;
  const map = prior.labels.map((l) => index.get(l)!);
  for (let f = 0; f < prior.dim; f++) {
    for (let c = 0; c < prior.labels.length; c++) {
      const v = old.weights[f * prior.labels.length + c]!;
      if (v !== 0) target.weights[f * target.k + map[c]!] = v;
    }
  }
  prior.labels.forEach((_, c) => (target.bias[map[c]!] = old.bias[c]!));
}
