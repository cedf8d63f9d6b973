import { evalProgressLine } from '../../cli/stack/evalProgressLine';
import { fineTuneLine, formatEta } from '../../cli/stack/fineTuneLine';
import type { EvalProgress } from '../../core/evalSuite/evalSuiteRun';
import type { FineTuneProgress, TrainerProgress } from '../../core/pipeline/fineTuneTypes';

const trainer = (extra: Partial<TrainerProgress> = {}): TrainerProgress => ({
  ...{ step: 12, maxSteps: 40, loss: 1.23456, lr: 2e-4, checkpoint: null, attempt: 1, source: 'host:1', seq: 3, at: 0 },
  ...extra,
});
const training = (t: TrainerProgress, extra: Partial<FineTuneProgress> = {}): FineTuneProgress => ({
  ...{ phase: 'training', polls: 0, trainer: t },
  ...extra,
});
const line = (t: Partial<TrainerProgress>, extra: Partial<FineTuneProgress> = {}) =>
  fineTuneLine(training(trainer(t), extra));

describe('the live view of self-hosted training', () => {
  it('shows step/maxSteps, loss, tokens/s and an ETA from the trainer progress', () => {
    const lead = 'trainer step 12/40 loss 1.235';
    expect(line({ tokensPerSecond: 46.37, etaSeconds: 200 })).toBe(`${lead}, 46 tokens/s, ETA 3 min 20 s`);
    expect(line({ tokensPerSecond: 1234.5, etaSeconds: 7500 })).toBe(`${lead}, 1235 tokens/s, ETA 2 h 05 min`);
    expect(line({ tokensPerSecond: 3.14159, etaSeconds: 9.6, attempt: 2 }, { spentUsd: 0.0123 })).toBe(
      'trainer step 12/40 loss 1.235, 3.1 tokens/s, ETA 10 s (attempt 2), $0.0123 spent',
    );
  });

  it('leaves the pace out until the trainer knows it, and while paused', () => {
    expect(line({})).toBe('trainer step 12/40 loss 1.235');
    expect(line({ loss: null, tokensPerSecond: 0 })).toBe('trainer step 12/40');
    const paused = line({ tokensPerSecond: 50, etaSeconds: 60 }, { phase: 'paused' });
    expect(paused).toBe('trainer paused at step 12/40 loss 1.235');
  });

  it('formats remaining time in seconds, minutes and hours', () => {
    const shown = [0, 59.4, 60, 3599, 3600, -5].map(formatEta);
    expect(shown).toEqual(['0 s', '59 s', '1 min 00 s', '59 min 59 s', '1 h 00 min', '0 s']);
  });
});

describe('the live view of an evaluation', () => {
  const progress = (extra: Partial<EvalProgress> = {}): EvalProgress => ({
    stage: 'scoring',
    shardsDone: 1,
    shardsTotal: 4,
    casesDone: 100,
    casesTotal: 384,
    variants: [
      { id: 'base-zero-shot', casesDone: 100, casesTotal: 192 },
      { id: 'fine-tuned', casesDone: 0, casesTotal: 192 },
    ],
    ...extra,
  });

  it('counts cases per variant, finished shards plus what the running shards have scored', () => {
    expect(evalProgressLine(progress())).toBe(
      'scoring: 100/384 cases (base-zero-shot 100/192 · fine-tuned 0/192), 1/4 shards',
    );
    expect(evalProgressLine(progress(), { 'base-zero-shot': 17, 'fine-tuned': 40 })).toBe(
      'scoring: 157/384 cases (base-zero-shot 117/192 · fine-tuned 40/192), 1/4 shards',
    );
  });

  it('never counts past a variant total (a stale heartbeat beside a finished shard)', () => {
    expect(evalProgressLine(progress(), { 'base-zero-shot': 100 })).toBe(
      'scoring: 192/384 cases (base-zero-shot 192/192 · fine-tuned 0/192), 1/4 shards',
    );
  });

  it('reads runs started before per-variant counts, and one-variant suites', () => {
    expect(evalProgressLine(progress({ variants: undefined }))).toBe('scoring: 100/384 cases, 1/4 shards');
    const starting: EvalProgress = { stage: 'cases', shardsDone: 0, shardsTotal: 0, casesDone: 0, casesTotal: 0 };
    expect(evalProgressLine(starting)).toBe('cases: reading the cases');
    const one = progress({ variants: [{ id: 'only', casesDone: 5, casesTotal: 96 }], casesTotal: 96 });
    expect(evalProgressLine(one, { only: 3 })).toBe('scoring: 8/96 cases, 1/4 shards');
  });
});
