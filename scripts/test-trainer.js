#!/usr/bin/env node
// Runs the trainer's Python tests (pytest) in the venv `npm run setup:trainer` creates. Extra arguments go to pytest.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const python = path.join(root, '.tools', 'trainer-venv', 'bin', 'python');
if (!fs.existsSync(python)) {
  console.error('tailor test:trainer: no trainer environment at .tools/trainer-venv; run `npm run setup:trainer` first');
  process.exit(1);
}
const r = spawnSync(python, ['-m', 'pytest', ...process.argv.slice(2)], { cwd: path.join(root, 'workers', 'trainer'), stdio: 'inherit' });
process.exit(r.status ?? 1);
