import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readScoreboard, renderScoreboard, scoreboardVerdict, type ScoreboardRow } from './scoreboard';

const row = (over: Partial<ScoreboardRow> = {}): ScoreboardRow => ({
  suite: 's',
  fault: 'f',
  injected: 2,
  runs: 1,
  completed: 1,
  duplicates: 0,
  paidTwice: 0,
  ...over,
});

/** The scoreboard's arithmetic and verdict: what makes `npm run test:faults` fail even when each test passed. */
describe('fault scoreboard', () => {
  it('prints every row and the totals, and passes when the must-be-zero columns are 0', () => {
    const text = renderScoreboard([row({ fault: 'kill' }), row({ fault: '429', injected: 5, note: 'in upload' })]);
    expect(text).toMatch(/s: kill +\| +2 \| +1\/1 \| +0 \| +0 \| +0 \| +0/);
    expect(text).toMatch(/s: 429 \[in upload\] +\| +5 \|/);
    expect(text).toMatch(/TOTAL +\| +7 \| +2\/2 \| +0 \| +0 \| +0 \| +0/);
    expect(scoreboardVerdict([row(), row()])).toBeUndefined();
  });

  it('fails on a duplicate, a lost run or a case paid twice, naming each', () => {
    expect(scoreboardVerdict([row({ duplicates: 1 }), row({ completed: 0 }), row({ paidTwice: 3 })])).toBe(
      'fault-injection scoreboard: 1 duplicate remote jobs or uploads, 1 runs lost, 3 cases paid twice (each ' +
        'must be 0)',
    );
    expect(scoreboardVerdict([row({ orphaned: 1 })])).toBe(
      'fault-injection scoreboard: 1 orphaned jobs (each must be 0)',
    );
    const orphans = renderScoreboard([row({ fault: 'cancel', orphaned: 2 })]);
    expect(orphans).toMatch(/s: cancel +\| +2 \| +1\/1 \| +0 \| +0 \| +0 \| +2/);
  });

  it('reads the rows back and names the line of a bad one', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-board-')), 'board.jsonl');
    fs.writeFileSync(file, `${JSON.stringify(row())}\n${JSON.stringify({ ...row(), runs: -1 })}\n`);
    expect(() => readScoreboard(file)).toThrow(`${file}:2: not a scoreboard row`);
    fs.writeFileSync(file, `${JSON.stringify(row())}\n`);
    expect(readScoreboard(file)).toEqual([row()]);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});
