import { z } from 'zod';
import type { SampledTraffic } from '../../core/onlineEval/onlineEvalTypes';
import { byModel, exchangeCase, inWindow, pickSample, sampleSeed } from '../../core/onlineEval/trafficSample';
import { openCaptureReader } from '../../stores/capture/captureBackend';
import { artifactStore } from '../../stores/processStores';

const InputSchema = z
  .object({
    alias: z.string().min(1),
    suite: z.string().min(1),
    tickAt: z.number().int(),
    windowMs: z.number().int().positive(),
    sample: z.number().int().positive(),
  })
  .strict();

/**
 * One tick's sample of an alias's captured traffic: the rows captured in the window that ends at the tick, grouped
 * by the model that answered, up to `sample` per model chosen by a hash seeded with the tick (so a retry grades the
 * same rows), each written to the artifact store as eval-suite cases that carry the captured answer.
 */
export async function sampleOnlineTraffic(input: z.input<typeof InputSchema>): Promise<SampledTraffic> {
  const { alias, suite, tickAt, windowMs, sample } = InputSchema.parse(input);
  // The gateway's store (its SQLite file or the shared PostgreSQL database); none yet means nothing was captured.
  const captures = await openCaptureReader();
  if (!captures) return { rows: 0, unusable: 0, models: [] };
  let rows;
  try {
    rows = inWindow(await captures.list({ alias, since: tickAt - windowMs + 1 }), tickAt, windowMs);
  } finally {
    await captures.close();
  }
  const usable = rows.filter((r): r is typeof r & { answer: string } => r.answer !== null);
  const seed = sampleSeed(alias, suite, tickAt);
  const artifacts = artifactStore();
  const models = [];
  for (const [model, own] of byModel(usable)) {
    const cases = pickSample(own, sample, seed).map((r, i) => exchangeCase(r, i));
    const text = cases.map((c) => JSON.stringify(c)).join('\n') + '\n';
    const ref = await artifacts.put(text, { name: 'online-eval-cases.jsonl', count: cases.length });
    models.push({ model, cases: ref, count: cases.length });
  }
  return { rows: rows.length, unusable: rows.length - usable.length, models };
}
