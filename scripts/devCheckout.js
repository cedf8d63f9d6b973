// Whether this install is the development checkout (a clone where `npm install`/`npm ci` runs at the root) or Tailor
// installed as a dependency of another project. The rule: a package that lives inside a `node_modules` directory is
// a dependency (npm installs every dependency, local or global, under one); a global install (`npm install -g`)
// is one too. Only the development checkout fetches the tools its tests use (Temporal CLI, Python SDK).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** True when this package is installed as someone else's dependency (or globally): skip dev-only downloads. */
function isDependencyInstall(root = ROOT, env = process.env) {
  if (env.npm_config_global === 'true') return true;
  let real = root;
  try {
    real = fs.realpathSync(root);
  } catch {
    // keep the path as given
  }
  return real.split(path.sep).includes('node_modules');
}

module.exports = { ROOT, isDependencyInstall };
