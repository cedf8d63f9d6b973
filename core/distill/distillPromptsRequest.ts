import type { DistillPrompts } from '../spec/distillSpec';

/**
 * What the `materializeCaptureDataset` activity is asked for by `distill.prompts: { from: capture }`: the alias's
 * traffic as chat examples, within the window, sampled. One mapping, so `tailor run` and a scheduled run export the
 * same rows and name the run by the same hash.
 */
export function distillPromptsRequest(prompts: Extract<DistillPrompts, { from: 'capture' }>) {
  return {
    alias: prompts.alias,
    format: 'chat' as const,
    ...(prompts.window ? { window: prompts.window } : {}),
    ...(prompts.sample !== undefined ? { sampleSize: prompts.sample } : {}),
  };
}
