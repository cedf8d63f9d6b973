#!/usr/bin/env node
// Runs a TypeScript file with tsx's CommonJS loader: `node bin/run-ts.js bench/index.ts [args]`.
'use strict';
const path = require('node:path');
require('tsx/cjs');
const file = process.argv[2];
if (!file) {
  console.error('usage: node bin/run-ts.js FILE.ts [args]');
  process.exit(2);
}
process.argv.splice(1, 1); // so the script sees its own args at argv[2..]
require(path.resolve(file));
