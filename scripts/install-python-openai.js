#!/usr/bin/env node
// Installs OpenAI's official Python SDK (pinned) into its own venv at .tools/python-openai, for the test that proves
// the local backend works with a client other than the TypeScript one (it runs .tools/python-openai/bin/python).
// Development checkout only (scripts/devCheckout.js). Never fails the install: the test names what is missing.
'use strict';
const path = require('node:path');
const { ROOT, isDependencyInstall } = require('./devCheckout');
const { ensureToolVenv } = require('./toolVenv');

const VERSION = '3.57.0';
const venv = path.join(ROOT, '.tools', 'python-openai');

if (!process.env.TAILOR_SKIP_PYTHON_OPENAI && !isDependencyInstall()) {
  const r = ensureToolVenv({ venv, pin: `openai==${VERSION}` });
  if (r.status === 'present') console.log(`tailor: openai Python SDK ${VERSION} already in .tools/python-openai`);
  else if (r.status === 'installed') {
    console.log(`tailor: installed the openai Python SDK ${VERSION} in .tools/python-openai (used by tests only)`);
  } else {
    console.warn(`tailor: could not install the openai Python SDK ${VERSION} (its test will say so): ${r.detail}`);
  }
}
