import fs from 'node:fs';
import { z } from 'zod';

/**
 * The fault-injection scoreboard: every fault test appends one row per scenario (what it injected, what it saw) to
 * a JSON-lines file named by TAILOR_FAULTS_SCOREBOARD (set by test/faults/globalSetup.ts); the jest reporter
 * (scoreboardReporter.js) prints the table after the run and fails it when a must-be-zero column is not 0.
 */
export const ScoreboardRowSchema = z
  .object({
    /** The test file, e.g. `workerKilled`. */
    suite: z.string().min(1),
    /** What was injected, for a human. */
    fault: z.string().min(1),
    /** Faults that actually fired (kills, holds, provider faults as the backend counted them, failed writes). */
    injected: z.number().int().nonnegative(),
    runs: z.number().int().nonnegative(),
    /** Runs that returned a result. */
    completed: z.number().int().nonnegative(),
    /** Remote jobs beyond one per run tag, plus uploads beyond one per file name. */
    duplicates: z.number().int().nonnegative(),
    /** Evaluation cases the provider answered more than once. */
    paidTwice: z.number().int().nonnegative(),
    /** Remote jobs of a cancelled run still live once the run has ended (cancel scenarios; absent counts as 0). */
    orphaned: z.number().int().nonnegative().optional(),
    note: z.string().optional(),
  })
  .strict();
export type ScoreboardRow = z.infer<typeof ScoreboardRowSchema>;

export const SCOREBOARD_ENV = 'TAILOR_FAULTS_SCOREBOARD';

/** Appends a row; outside `npm run test:faults` (no file named) it only warns, so a test can still run alone. */
export function recordRow(row: ScoreboardRow): void {
  const file = process.env[SCOREBOARD_ENV];
  const valid = ScoreboardRowSchema.parse(row);
  if (!file) return console.warn(`scoreboard: ${SCOREBOARD_ENV} is unset; row not kept: ${JSON.stringify(valid)}`);
  fs.appendFileSync(file, JSON.stringify(valid) + '\n');
}

export function readScoreboard(file: string): ScoreboardRow[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line, i) => {
      const parsed = ScoreboardRowSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${i + 1}: not a scoreboard row: ${parsed.error.message}`);
      return parsed.data;
    });
}

const lost = (r: ScoreboardRow) => Math.max(0, r.runs - r.completed);

export function totals(rows: ScoreboardRow[]): ScoreboardRow & { lost: number; orphaned: number } {
  const sum = (f: (r: ScoreboardRow) => number) => rows.reduce((s, r) => s + f(r), 0);
  return {
    suite: 'all',
    fault: 'total',
    injected: sum((r) => r.injected),
    runs: sum((r) => r.runs),
    completed: sum((r) => r.completed),
    duplicates: sum((r) => r.duplicates),
    paidTwice: sum((r) => r.paidTwice),
    orphaned: sum((r) => r.orphaned ?? 0),
    lost: sum(lost),
  };
}

const HEADERS = [
  'fault',
  'faults injected',
  'runs completed',
  'duplicate remote jobs or uploads (must be 0)',
  'runs lost (must be 0)',
  'cases paid twice (must be 0)',
  'orphaned jobs (must be 0)',
];

export function renderScoreboard(rows: ScoreboardRow[]): string {
  const line = (r: ScoreboardRow) => {
    const name = `${r.suite}: ${r.fault}${r.note ? ` [${r.note}]` : ''}`;
    const counts = [r.injected, `${r.completed}/${r.runs}`, r.duplicates, lost(r), r.paidTwice, r.orphaned ?? 0];
    return [name, ...counts.map(String)];
  };
  const t = totals(rows);
  const total = [t.injected, `${t.completed}/${t.runs}`, t.duplicates, t.lost, t.paidTwice, t.orphaned].map(String);
  const body = [HEADERS, ...rows.map(line), ['TOTAL', ...total]];
  const widths = HEADERS.map((_, c) => Math.max(...body.map((r) => r[c]!.length)));
  const fmt = (r: string[]) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ');
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  return (
    [
      '',
      'Fault-injection scoreboard',
      fmt(body[0]!),
      rule,
      ...body.slice(1, -1).map(fmt),
      rule,
      fmt(body[body.length - 1]!),
      '',
    ].join('\n') + '\n'
  );
}

/** Why the run must fail, or undefined when every must-be-zero column is 0. */
export function scoreboardVerdict(rows: ScoreboardRow[]): string | undefined {
  if (rows.length === 0) return undefined;
  const t = totals(rows);
  const bad = [
    t.duplicates && `${t.duplicates} duplicate remote jobs or uploads`,
    t.lost && `${t.lost} runs lost`,
    t.paidTwice && `${t.paidTwice} cases paid twice`,
    t.orphaned && `${t.orphaned} orphaned jobs`,
  ].filter(Boolean);
  return bad.length ? `fault-injection scoreboard: ${bad.join(', ')} (each must be 0)` : undefined;
}
