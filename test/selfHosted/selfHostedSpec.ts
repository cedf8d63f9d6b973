import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';

const THINGS = ['apple', 'leaf', 'sky', 'sun', 'grape', 'carrot', 'night', 'snow'];

const PHRASES = [
  'What color is the #?',
  'Tell me the color of the #.',
  'Which color has the #?',
  'The #: what color?',
  'Name the color of the #.',
];

/**
 * 40 distinct questions with one answer: a behaviour a tiny random model picks up in a few dozen LoRA steps (facts
 * per question take it far longer), so the adapter's effect shows in the scores: base 0, fine-tuned near 1.
 */
export function chatRows(): string {
  const rows = PHRASES.flatMap((phrase) =>
    THINGS.map((thing) => ({
      messages: [
        { role: 'user', content: phrase.replace('#', thing) },
        { role: 'assistant', content: 'blue' },
      ],
    })),
  );
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

export const LORA = {
  rank: 4,
  alpha: 8,
  dropout: 0,
  targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'up_proj', 'down_proj'],
};

/** A self-hosted LoRA pipeline over `dir`/chat.jsonl and the tiny model in `dir`/tiny; returns the spec's path. */
export function writeSelfHostedSpec(
  dir: string,
  opts: {
    name: string;
    trainerQueue: string;
    servingUrl: string;
    training: { maxSteps: number; checkpointEvery: number; heartbeatTimeout?: string; learningRate?: number };
    registerAdapters?: boolean;
    usdPerHour?: number;
    budgetUsd?: number;
    /** @default LoRA with LORA's settings */
    peft?: 'full';
  },
): string {
  const spec = path.join(dir, `${opts.name}.yaml`);
  fs.writeFileSync(
    spec,
    stringify({
      name: opts.name,
      baseModel: 'tiny-base',
      provider: {
        type: 'self-hosted',
        taskQueue: opts.trainerQueue,
        baseModelPath: path.join(dir, 'tiny'),
        peft: opts.peft ?? { lora: LORA },
        servingBaseUrl: opts.servingUrl,
        ...(opts.registerAdapters ? { registerAdapters: true } : {}),
        ...(opts.usdPerHour !== undefined ? { usdPerHour: opts.usdPerHour } : {}),
        training: { learningRate: 2e-2, ...opts.training },
      },
      dataset: {
        path: path.join(dir, 'chat.jsonl'),
        format: 'chat',
        split: { validation: 0.1, test: 0.2, seed: 'self-hosted' },
      },
      baselines: { zeroShot: true },
      fineTune: { method: { type: 'supervised', hyperparameters: { batch_size: 8 } } },
      evaluation: { metric: 'exact_match', concurrency: 2 },
      ...(opts.budgetUsd !== undefined ? { budget: { usd: opts.budgetUsd } } : {}),
      gate: { minImprovement: 0.5 },
      deploy: { alias: 'prod', approval: 'auto', smoke: { examples: 4, tolerance: 0.5 } },
    }),
  );
  return spec;
}
