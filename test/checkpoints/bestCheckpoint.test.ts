import { loadSpec } from '../../config/loadSpec';
import { bestCheckpoint, describeCheckpoints } from '../../core/fineTune/bestCheckpoint';
import { degradedModelData } from '../../providers/local/faults/degradedModel';
import { parseFaultSpec } from '../../providers/local/faults/faultSpec';
import { exampleSpecWith } from '../support/specFiles';

const ck = (step: number, score: number) => ({ model: `ft:m:ckpt-step-${step}`, step, score });

describe('choosing the best checkpoint', () => {
  it('takes the highest validation score, whatever the order it is listed in', () => {
    expect(bestCheckpoint([ck(30, 0.7), ck(10, 0.9), ck(20, 0.8)])).toEqual(ck(10, 0.9));
  });

  it('breaks a tie for the later step', () => {
    expect(bestCheckpoint([ck(20, 0.9), ck(10, 0.9), ck(30, 0.5)])).toEqual(ck(20, 0.9));
    expect(bestCheckpoint([ck(30, 0.9), ck(20, 0.9), ck(10, 0.9)])).toEqual(ck(30, 0.9));
  });

  it('refuses an empty list, and describes every score in step order', () => {
    expect(() => bestCheckpoint([])).toThrow(/no checkpoints/);
    const scores = [ck(30, 0.25), ck(10, 0.5), ck(20, 0.875)];
    expect(describeCheckpoints(scores, bestCheckpoint(scores))).toBe(
      'checkpoints on validation: step 10 0.500, step 20 0.875, step 30 0.250; best step 20',
    );
  });
});

describe('fineTune.checkpoints in the spec', () => {
  it('defaults to unset (the last model), accepts best, and names the key and line of a bad value', () => {
    expect(loadSpec(exampleSpecWith({ name: 'ckpt-default' })).spec.fineTune.checkpoints).toBeUndefined();
    const fineTune = { suffix: 'x', checkpoints: 'best' };
    expect(loadSpec(exampleSpecWith({ name: 'ckpt-best', fineTune })).spec.fineTune.checkpoints).toBe('best');
    expect(() => loadSpec(exampleSpecWith({ name: 'ckpt-bad', fineTune: { checkpoints: 'first' } }))).toThrow(
      /pipeline\.yaml:\d+: fineTune\.checkpoints: .*"last"\|"best"/,
    );
  });

  it('accepts best on the self-hosted provider, whose trainer keeps an output per checkpoint', () => {
    const patch = {
      name: 'ckpt-sh',
      baseModel: 'smollm2-135m-instruct',
      provider: { type: 'self-hosted', servingBaseUrl: 'http://127.0.0.1:8000/v1' },
    };
    const loaded = loadSpec(exampleSpecWith({ ...patch, fineTune: { checkpoints: 'best' } }));
    expect(loaded.spec.fineTune.checkpoints).toBe('best');
  });
});

describe('the train.degrade_final fault (a stand-in for a last epoch that overfits)', () => {
  it('parses, and rotates a model’s answers so none is where it was', () => {
    expect(parseFaultSpec('train.degrade_final=1').trainDegradeFinal).toBe(true);
    expect(parseFaultSpec('').trainDegradeFinal).toBe(false);
    const classifier = {
      kind: 'classifier' as const,
      labels: ['a', 'b', 'c'],
      dim: 8,
      rows: '',
      weights: '',
      bias: [0, 0, 0],
    };
    expect(degradedModelData(classifier)).toEqual({ ...classifier, labels: ['b', 'c', 'a'] });
    const neighbour = {
      kind: 'neighbour' as const,
      examples: [
        { input: 'x', output: '1' },
        { input: 'y', output: '2' },
      ],
    };
    expect(degradedModelData(neighbour)).toEqual({
      kind: 'neighbour',
      examples: [
        { input: 'x', output: '2' },
        { input: 'y', output: '1' },
      ],
    });
  });
});
