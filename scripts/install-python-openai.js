#!/usr/bin/env node
// Installs OpenAI's official Python SDK (pinned) into .tools/python-openai, for the test that proves the local
// backend works with a client other than the TypeScript one. Never fails the install: the test names what is missing.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const VERSION = '3.57.0';
const root = path.resolve(__dirname, '..');
const target = path.join(root, '.tools', 'python-openai');
const stamp = path.join(target, '.version');

if (process.env.TAILOR_SKIP_PYTHON_OPENAI) process.exit(0);
if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === VERSION) process.exit(0);
const tmp = `${target}.tmp-${process.pid}`;
fs.rmSync(tmp, { recursive: true, force: true });
const r = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', tmp, `openai==${VERSION}`], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (r.status === 0) {
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(tmp, target);
  fs.writeFileSync(stamp, VERSION + '\n');
  console.log(`tailor: installed the openai Python SDK ${VERSION} in .tools/python-openai (used by tests only)`);
} else {
  fs.rmSync(tmp, { recursive: true, force: true });
  console.warn('tailor: could not install the openai Python SDK with pip; the Python-client test will say so');
}
