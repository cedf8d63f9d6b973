#!/usr/bin/env node
// Installs what the store tests (test/stores) start on loopback: moto's S3-compatible server (PyPI `moto[server]`,
// pinned) in its own venv at .tools/moto, and checks that PostgreSQL's server binaries (initdb, pg_ctl) are there.
// Only when asked (`npm run setup:stores`), never from postinstall; nothing downloads at test time. Idempotent: a
// venv holding the pin is left as it is.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { ROOT } = require('./devCheckout');
const { ensureToolVenv } = require('./toolVenv');
const { findPostgresBin } = require('./postgresBin');

const PIN = 'moto[server]==5.2.5';
const venv = path.join(ROOT, '.tools', 'moto');

const r = ensureToolVenv({ venv, pin: PIN });
if (r.status === 'failed') {
  console.error(`tailor setup:stores: could not install ${PIN}: ${r.detail}`);
  process.exit(1);
}
// `python -m moto.server`, not the venv's moto_server script: the venv is built under another name and renamed,
// so its scripts' shebang lines point at a folder that no longer exists.
const check = spawnSync(path.join(venv, 'bin', 'python'), ['-m', 'moto.server', '--help'], { encoding: 'utf8' });
if (check.status !== 0) {
  console.error(`tailor setup:stores: moto's server does not run in .tools/moto:\n${check.stderr}`);
  process.exit(1);
}
console.log(`tailor setup:stores: ${PIN} ${r.status === 'present' ? 'already' : 'installed'} in .tools/moto`);

const bin = findPostgresBin();
if (!bin) {
  console.error('tailor setup:stores: PostgreSQL server binaries (initdb, pg_ctl) not found; on Debian/Ubuntu run');
  console.error('  apt-get install -y postgresql   (or set TAILOR_PG_BIN to the folder holding initdb and pg_ctl)');
  process.exit(1);
}
console.log(`tailor setup:stores: PostgreSQL server binaries in ${bin}`);
