#!/usr/bin/env node
// Builds the library that `import ... from 'tailor'` loads (run by npm's prepack, so `npm pack` always ships a fresh
// one): tsc compiles index.ts and its imports to CommonJS with .d.ts files in dist/, then this writes the ES module
// entry dist/index.mjs, which re-exports the CommonJS module's names (one copy of the code for both loaders), and
// dist/index.d.mts, its types.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
const tscBin = require.resolve('typescript/bin/tsc');
const tsc = spawnSync(process.execPath, [tscBin, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) {
  console.error('tailor build: tsc -p tsconfig.build.json failed');
  process.exit(1);
}
const names = Object.keys(require(path.join(dist, 'index.js'))).filter((n) => n !== '__esModule');
fs.writeFileSync(
  path.join(dist, 'index.mjs'),
  `// The ES module entry: the CommonJS build's exports, by name.\nimport lib from './index.js';\n\n` +
    `export const { ${names.join(', ')} } = lib;\n`,
);
fs.writeFileSync(path.join(dist, 'index.d.mts'), `export * from './index.js';\n`);
console.log(`tailor build: dist/ (CommonJS, ES module entry and types) exporting ${names.join(', ')}`);
