'use strict';
// Jest reporter for the faults project: prints the scoreboard the fault tests wrote (test/faults/scoreboard.ts) and
// fails the run (exit 1, through getLastError) when duplicates, lost runs or cases paid twice are not 0.
const fs = require('node:fs');
const { require: tsxRequire } = require('tsx/cjs/api');

class ScoreboardReporter {
  onRunComplete() {
    const board = tsxRequire('./scoreboard.ts', __filename);
    const file = process.env[board.SCOREBOARD_ENV];
    if (!file || !fs.existsSync(file)) return;
    try {
      const rows = board.readScoreboard(file);
      if (rows.length === 0) return;
      process.stdout.write(board.renderScoreboard(rows));
      const verdict = board.scoreboardVerdict(rows);
      if (verdict) {
        process.stdout.write(`${verdict}\n`);
        this.error = new Error(verdict);
      }
    } catch (err) {
      this.error = err;
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  getLastError() {
    return this.error;
  }
}

module.exports = ScoreboardReporter;
