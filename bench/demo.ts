import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median } from './stats';

const ROOT = path.resolve(__dirname, '..');

/** One whole process, timed from spawn to exit, in a fresh TAILOR_HOME (so nothing is reused from a prior run). */
function timeProcess(args: string[]): { ms: number; stdout: string } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-'));
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, TAILOR_HOME: home, TEMPORAL_ADDRESS: '', OPENAI_BASE_URL: '', OPENAI_API_KEY: '' },
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.rmSync(home, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}:\n${r.stderr.slice(-2000)}`);
  return { ms, stdout: r.stdout };
}

/**
 * `npm start` end to end (embedded Temporal, local backend, whole process), several runs, median; the anchor, in the
 * same run, is the same journey as a plain script without Temporal (bench/directJourney.ts).
 */
export async function benchDemo(runs = 3): Promise<{ name: string; lines: string[] }> {
  const demo: number[] = [];
  const direct: number[] = [];
  let last: { scores?: { base: number; fineTuned: number } } = {};
  for (let i = 0; i < runs; i++) {
    const d = timeProcess([path.join(ROOT, 'bin', 'tailor.js'), 'demo', '--json']);
    demo.push(d.ms);
    last = JSON.parse(d.stdout.trim().split('\n').pop()!) as typeof last;
    direct.push(timeProcess([path.join(ROOT, 'bin', 'run-ts.js'), path.join(ROOT, 'bench', 'directJourney.ts')]).ms);
  }
  const md = median(demo);
  const mx = median(direct);
  return {
    name: 'demo end to end',
    lines: [
      `tailor demo (whole process, ${runs} runs): median ${(md / 1000).toFixed(2)} s [` +
        `${demo.map((x) => (x / 1000).toFixed(2)).join(', ')}]`,
      `anchor, same journey as a plain script without Temporal: median ${(mx / 1000).toFixed(2)} s [` +
        `${direct.map((x) => (x / 1000).toFixed(2)).join(', ')}]`,
      `ratio demo / anchor: ${(md / mx).toFixed(2)}× (the price of durability: dev server start, bundling, history)`,
      `scores in the last demo: base ${last.scores?.base?.toFixed(3)} → fine-tuned ` +
        `${last.scores?.fineTuned?.toFixed(3)} (local backend: small CPU learners, not LLMs)`,
    ],
  };
}
