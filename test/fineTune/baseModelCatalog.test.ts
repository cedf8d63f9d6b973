import fs from 'node:fs';
import path from 'node:path';
import { PipelineSpecSchema, type PipelineSpecInput } from '../../core/pipeline/pipelineSpec';
import { SELF_HOSTED_BASE_MODELS } from '../../core/fineTune/baseModelCatalog';
import { trainerRequest } from '../../core/fineTune/selfHosted';

const SFT = {
  type: 'supervised',
  hyperparameters: { n_epochs: 'auto', batch_size: 'auto', learning_rate_multiplier: 'auto' },
} as const;

const spec = (baseModel: string, provider: Record<string, unknown> = {}): PipelineSpecInput => ({
  name: 'catalog',
  baseModel,
  provider: {
    type: 'self-hosted',
    servingBaseUrl: 'http://127.0.0.1:8000/v1',
    ...provider,
  } as PipelineSpecInput['provider'],
  dataset: { path: 'data.jsonl' },
  fineTune: {},
});

describe('the self-hosted base-model catalogue', () => {
  test('mirrors the Python catalogue', () => {
    const py = fs.readFileSync(
      path.join(__dirname, '..', '..', 'workers', 'trainer', 'tailor_trainer', 'catalog.py'),
      'utf8',
    );
    const names = [...py.matchAll(/^\s+name="([^"]+)",$/gm)].map((m) => m[1]);
    expect(names.sort()).toEqual([...SELF_HOSTED_BASE_MODELS].sort());
  });

  test('a catalogue name without baseModelPath reaches the trainer as the name', () => {
    const s = PipelineSpecSchema.parse(spec('smollm2-135m-instruct'));
    if (s.provider.type !== 'self-hosted') throw new Error('expected self-hosted');
    const req = trainerRequest(s.provider, s.baseModel, SFT, { trainingFile: 't', outputDir: 'o', checkpointDir: 'c' });
    expect(req.baseModelPath).toBe('smollm2-135m-instruct');
  });

  test('baseModelPath, when given, still wins and any baseModel name is allowed with it', () => {
    const s = PipelineSpecSchema.parse(spec('my-model', { baseModelPath: '/models/base' }));
    if (s.provider.type !== 'self-hosted') throw new Error('expected self-hosted');
    expect(
      trainerRequest(s.provider, s.baseModel, SFT, { trainingFile: 't', outputDir: 'o', checkpointDir: 'c' })
        .baseModelPath,
    ).toBe('/models/base');
  });

  test('an unknown name without baseModelPath is a spec error listing the known names', () => {
    const r = PipelineSpecSchema.safeParse(spec('smollm2-1.7b'));
    expect(r.success).toBe(false);
    expect(r.error!.issues).toEqual([
      expect.objectContaining({
        path: ['baseModel'],
        message: expect.stringMatching(
          /'smollm2-1\.7b' is not in the self-hosted catalogue \(known: smollm2-135m-instruct\)/,
        ),
      }),
    ]);
  });
});
