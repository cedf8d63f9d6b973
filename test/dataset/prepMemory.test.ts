/**
 * Prep's memory is flat in the number of examples: what it keeps per kept example (split hash, token count, label,
 * the exact-duplicate set) is a few dozen bytes, not strings and objects. Measured in a child process
 * (prepMemoryChild.ts) as peak live memory (heap plus array buffers right after a full collection, sampled while
 * prep runs): it depends on what prep holds, not on when the collector ran or how loaded the machine is, so the
 * bound holds under load. The near-duplicate index is left out (dedupe.near off): it has a fixed in-memory
 * segment of 65,536 examples and its own tests (nearDuplicateIndexDisk.test.ts).
 *
 * Before the split step kept typed-array columns, the same measure grew by ~200 bytes per example; now ~60.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { mulberry32 } from '../../core/stats/rng';
import { useTmpHome } from './support';

const ROOT = path.join(__dirname, '..', '..');
const SMALL = 25_000;
const LARGE = 100_000;
/** Bytes of peak live memory per additional kept example. */
const MAX_BYTES_PER_EXAMPLE = 110;

const tmp = useTmpHome();

/** `n` distinct short chat examples with three labels (so the stratified path runs), ~140 bytes a line. */
function writeExamples(file: string, n: number): void {
  const rand = mulberry32(n);
  const syllables = ['ka', 'lo', 'mi', 'ne', 'su', 'ta', 'ri', 'po', 'de', 'fu', 'ga', 'hi'];
  const syllable = () => syllables[Math.floor(rand() * syllables.length)]!;
  const word = () => Array.from({ length: 1 + Math.floor(rand() * 3) }, syllable).join('');
  const labels = ['billing', 'shipping', 'technical_issue'];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const user = `${i} ${Array.from({ length: 10 }, word).join(' ')}`;
    const messages = [
      { role: 'user', content: user },
      { role: 'assistant', content: labels[i % 3] },
    ];
    lines.push(JSON.stringify({ messages }));
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

interface ChildFigures {
  kept: number;
  maxRssKb: number;
  peakLive: number;
}

function prepInChild(file: string): ChildFigures {
  const spec = JSON.stringify({ dedupe: { exact: true, near: false, threshold: 0.9 } });
  const child = path.join(ROOT, 'test', 'dataset', 'prepMemoryChild.ts');
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(ROOT, 'bin', 'run-ts.js'), child, file, spec], {
    cwd: ROOT,
    env: process.env,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`prepMemoryChild exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildFigures;
}

test(`peak live memory grows by under ${MAX_BYTES_PER_EXAMPLE} bytes per kept example (${SMALL} vs ${LARGE})`, () => {
  const small = path.join(tmp.dir(), 'small.jsonl');
  const large = path.join(tmp.dir(), 'large.jsonl');
  writeExamples(small, SMALL);
  writeExamples(large, LARGE);
  const a = prepInChild(small);
  const b = prepInChild(large);
  expect([a.kept, b.kept]).toEqual([SMALL, LARGE]);
  const perExample = (b.peakLive - a.peakLive) / (b.kept - a.kept);
  const mb = (x: number) => (x / 2 ** 20).toFixed(1);
  console.log(
    `prep peak live memory: ${mb(a.peakLive)} MB at ${SMALL}, ${mb(b.peakLive)} MB at ${LARGE} ` +
      `(${perExample.toFixed(0)} bytes per example); peak RSS ${mb(a.maxRssKb * 1024)} / ${mb(b.maxRssKb * 1024)} MB`,
  );
  expect(perExample).toBeLessThan(MAX_BYTES_PER_EXAMPLE);
}, 600_000);
