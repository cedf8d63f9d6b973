/**
 * `npm run bench`: every benchmark prints its figure next to its anchor, measured side by side in this run, as a
 * ratio. Pass names to run a subset: `npm run bench -- demo`. Benchmarks load with `require` (tsx's CommonJS hook
 * resolves TypeScript paths; a dynamic import() would go to Node's ESM loader, which does not).
 */
import { benchDemo } from './demo';

type Bench = () => Promise<{ name: string; lines: string[] }>;

const BENCHES: Record<string, () => Promise<Bench>> = {
  demo: async () => () => benchDemo(),
  'fine-tune': async () => {
    const m = require('./fineTuneNotice') as typeof import('./fineTuneNotice');
    return () => m.benchFineTuneNotice();
  },
  'artifact-s3': async () => (require('./artifactStoreS3') as typeof import('./artifactStoreS3')).benchArtifactStoreS3,
  'eval-throughput': async () => (require('./evalThroughput') as typeof import('./evalThroughput')).benchEvalThroughput,
  gateway: async () => (require('./gateway') as typeof import('./gateway')).benchGateway,
  llm: async () => (require('./llm') as typeof import('./llm')).benchLlm,
  'local-backend': async () => (require('./localBackend') as typeof import('./localBackend')).benchLocalBackend,
  'rag-index': async () => (require('./ragIndex') as typeof import('./ragIndex')).benchRagIndex,
  validate: async () => {
    const m = require('./validate') as typeof import('./validate');
    return () => m.benchValidate();
  },
};

/** Run only when named: llm needs `npm run setup:trainer` and takes minutes; artifact-s3 needs moto
 * (`npm run setup:stores`). */
const NAMED_ONLY = new Set(['llm', 'artifact-s3']);

async function main(): Promise<void> {
  // `--name=value` arguments are a benchmark's own size flags (bench/llm.ts), not benchmark names.
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const names = wanted.length ? wanted : Object.keys(BENCHES).filter((n) => !NAMED_ONLY.has(n));
  let failed = 0;
  for (const name of names) {
    const load = BENCHES[name];
    if (!load) {
      console.error(`unknown benchmark '${name}'; known: ${Object.keys(BENCHES).join(', ')}`);
      process.exitCode = 2;
      return;
    }
    console.log(`\n== ${name} ==`);
    try {
      const result = await (await load())();
      for (const line of result.lines) console.log(`  ${line}`);
    } catch (err) {
      failed++;
      console.log(`  FAILED: ${(err as Error).message}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

void main();
