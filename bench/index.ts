/**
 * `npm run bench`: every benchmark prints its figure next to its anchor, measured side by side in this run, as a
 * ratio. Pass names to run a subset: `npm run bench -- demo`.
 */
import { benchDemo } from './demo';

type Bench = () => Promise<{ name: string; lines: string[] }>;

const BENCHES: Record<string, () => Promise<Bench>> = {
  demo: async () => () => benchDemo(),
  'local-backend': async () => (await import('./localBackend')).benchLocalBackend,
  validate: async () => {
    const m = await import('./validate');
    return () => m.benchValidate();
  },
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : Object.keys(BENCHES);
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
