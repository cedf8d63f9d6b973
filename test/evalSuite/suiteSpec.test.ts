import path from 'node:path';
import { loadEvalSuite } from '../../config/evalSuiteSpec';
import { loadPromptTemplate } from '../../config/promptSpec';
import { pipelineEvalSuite } from '../../core/evalSuite/pipelineSuite';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'support-tickets');

describe('eval suite files', () => {
  it(
    'resolves the example suite: paths absolute, prompt loaded and versioned, --model fills variants, OpenAI ' +
      'grader kept as written',
    () => {
      const s = loadEvalSuite(path.join(EXAMPLE, 'eval', 'suite.yaml'), { models: ['gpt-4o-mini'] });
      const prompt = loadPromptTemplate(path.join(EXAMPLE, 'prompts', 'classify.yaml'));
      expect(s.cases).toEqual({ type: 'file', path: path.join(EXAMPLE, 'data', 'tickets.test.jsonl') });
      expect(s.variants.map((v) => [v.id, v.model, v.prompt?.version])).toEqual([
        ['zero-shot', 'gpt-4o-mini', prompt.version],
        ['few-shot', 'gpt-4o-mini', prompt.version],
      ]);
      expect(s.variants[1]!.fewShot).toEqual({
        spec: { k: 5, strategy: { type: 'similar', embeddingModel: 'text-embedding-3-small' } },
        pool: { type: 'file', path: path.join(EXAMPLE, 'data', 'tickets.train.jsonl') },
      });
      expect(s.assertions[1]).toEqual({
        type: 'string_check',
        name: 'Match output to human label',
        input: '{{ sample.output_text }}',
        operation: 'eq',
        reference: '{{ item.expected }}',
      });
      expect(s.primaryMetric).toBe('accuracy');
      expect(s.gate.map((g) => g.text)).toEqual(['accuracy >= 0.8', 'better_than: zero-shot at 0.95']);
      expect(s.execution).toEqual({
        shardSize: 100,
        concurrency: 8,
        shardsInFlight: 4,
        heartbeatTimeout: '30 seconds',
      });
    },
  );

  it('builds the suite a pipeline runs from its variants (test split as cases, few-shot pool from train)', () => {
    const ref = (n: string) => ({ uri: `artifact:sha256:${n.repeat(64)}`, sha256: n.repeat(64), bytes: 1 });
    const s = pipelineEvalSuite({
      pipeline: 'support-tickets',
      test: ref('a'),
      metric: 'exact_match',
      variants: [
        { id: 'base-zero-shot', label: 'base, zero-shot', model: 'm', mode: { type: 'zero-shot' } },
        {
          id: 'base-few-shot-5',
          label: 'base, 5-shot',
          model: 'm',
          mode: { type: 'few-shot', k: 5, seed: 's', pool: ref('b') },
        },
        { id: 'fine-tuned', label: 'fine-tuned', model: 'ft:m', mode: { type: 'zero-shot' } },
      ],
      candidate: 'fine-tuned',
    });
    expect(s.cases).toEqual({ type: 'artifact', ref: ref('a') });
    expect(s.baseline).toBe('base-zero-shot');
    expect(s.variants[1]!.fewShot).toEqual({
      spec: { k: 5, strategy: { type: 'random', seed: 's' } },
      pool: { type: 'artifact', ref: ref('b') },
    });
    expect(s.primaryMetric).toBe('accuracy');
    expect(s.aliases!.prod).toEqual(['production', 'base-zero-shot']);
  });
});
