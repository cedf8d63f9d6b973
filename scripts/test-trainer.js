#!/usr/bin/env node
// Runs the trainer's Python tests (pytest) in the venv `npm run setup:trainer` creates, then the TypeScript pipeline
// tests that drive the trainer end to end (jest test/selfHosted, test/multiHost: the latter also needs
// `npm run setup:stores`). Extra arguments go to pytest, and then only pytest runs.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const python = path.join(root, '.tools', 'trainer-venv', 'bin', 'python');
if (!fs.existsSync(python)) {
  console.error(
    'tailor test:trainer: no trainer environment at .tools/trainer-venv; run `npm run setup:trainer` first',
  );
  process.exit(1);
}
const args = process.argv.slice(2);
const r = spawnSync(python, ['-m', 'pytest', ...args], {
  cwd: path.join(root, 'workers', 'trainer'),
  stdio: 'inherit',
});
if (r.status !== 0 || args.length) process.exit(r.status ?? 1);
const jest = spawnSync(
  process.execPath,
  [require.resolve('jest/bin/jest', { paths: [root] }), 'test/selfHosted', 'test/multiHost'],
  { cwd: root, stdio: 'inherit' },
);
process.exit(jest.status ?? 1);
