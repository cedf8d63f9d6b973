import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A fresh temporary directory per test file; TAILOR_HOME points into it so artifacts never touch the repo, and
 * TAILOR_ALLOWED_ROOTS lists it so data files written there may be read (CLI children inherit both).
 */
export function useTmpHome(): { dir: () => string } {
  let dir = '';
  let prevHome: string | undefined;
  let prevRoots: string | undefined;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-dataset-test-'));
    prevHome = process.env.TAILOR_HOME;
    process.env.TAILOR_HOME = path.join(dir, 'home');
    prevRoots = process.env.TAILOR_ALLOWED_ROOTS;
    process.env.TAILOR_ALLOWED_ROOTS = [dir, prevRoots].filter(Boolean).join(path.delimiter);
  });
  afterAll(() => {
    if (prevHome === undefined) delete process.env.TAILOR_HOME;
    else process.env.TAILOR_HOME = prevHome;
    if (prevRoots === undefined) delete process.env.TAILOR_ALLOWED_ROOTS;
    else process.env.TAILOR_ALLOWED_ROOTS = prevRoots;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { dir: () => dir };
}

export const SYSTEM = 'Classify the ticket as billing, shipping or technical_issue. Answer with the label only.';
const TOPICS = [
  'invoice',
  'parcel',
  'crash',
  'refund',
  'delivery',
  'login',
  'charge',
  'tracking',
  'error',
  'update',
  'coupon',
  'address',
];
const LABELS = ['billing', 'shipping', 'technical_issue'];

/** The i-th distinct valid chat example (different wording each time so dedupe keeps them). */
export function chatExample(i: number): Record<string, unknown> {
  const a = TOPICS[i % TOPICS.length]!;
  const b = TOPICS[(i * 5 + 3) % TOPICS.length]!;
  return {
    messages: [
      { role: 'system', content: SYSTEM },
      {
        role: 'user',
        content:
          `Ticket ${i}: my ${a} and the ${b} number ${i * 7919} have a problem since ${2000 + (i % 25)}, item ` +
          `${i} of batch ${i * 31}.`,
      },
      { role: 'assistant', content: LABELS[i % LABELS.length]! },
    ],
  };
}

export function chatLines(n: number, start = 0): string[] {
  return Array.from({ length: n }, (_, k) => JSON.stringify(chatExample(start + k)));
}

export function writeFile(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

export function writeJsonl(dir: string, name: string, lines: (string | object)[]): string {
  return writeFile(dir, name, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
}

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'dataset');
export const TICKETS = path.join(__dirname, '..', '..', 'examples', 'support-tickets', 'data', 'tickets.jsonl');
