/**
 * Child process of prepMemory.test.ts: prepares one file (default spec, or the one given) and prints the kept
 * count, its own peak RSS and its peak live memory, so the parent measures prep alone, not jest.
 * Live memory is heap plus array buffers right after a full collection, sampled every SAMPLE_MS (run node with
 * --expose-gc): unlike RSS it does not depend on when the collector happened to run, so it holds under load.
 * Usage: node --expose-gc bin/run-ts.js test/dataset/prepMemoryChild.ts FILE [DATASET_SPEC_JSON]
 */
import { prepareDataset } from '../../activities/dataset/prepareDataset';
import { DatasetSpecSchema } from '../../core/spec/datasetSpec';

const SAMPLE_MS = 100;

function liveBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run node with --expose-gc');
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function main(): Promise<void> {
  const [file, specJson] = process.argv.slice(2);
  if (!file) throw new Error('usage: prepMemoryChild.ts FILE [DATASET_SPEC_JSON]');
  const spec = { ...(specJson ? (JSON.parse(specJson) as object) : {}), path: file };
  const before = liveBytes();
  let peakLive = before;
  const timer = setInterval(() => (peakLive = Math.max(peakLive, liveBytes())), SAMPLE_MS);
  try {
    const r = await prepareDataset({ dataset: DatasetSpecSchema.parse(spec), model: 'gpt-4o-mini-2024-07-18' });
    // maxRSS is in kilobytes.
    const out = { kept: r.counts.kept, maxRssKb: process.resourceUsage().maxRSS, liveBefore: before, peakLive };
    process.stdout.write(JSON.stringify(out) + '\n');
  } finally {
    clearInterval(timer);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});
