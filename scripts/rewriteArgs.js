// The command line shared by the source re-wrappers (scripts/wrapComments.js, scripts/wrapStrings.js):
// `[--check] [--width 120] <file|folder>...`, folders walked for TypeScript and JavaScript sources.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const EXTENSIONS = new Set(['.ts', '.tsx', '.js', '.mjs', '.cjs', '.mts', '.cts']);

function listFiles(target, out) {
  const stat = fs.statSync(target);
  if (stat.isFile()) {
    if (EXTENSIONS.has(path.extname(target))) out.push(target);
    return;
  }
  for (const entry of fs.readdirSync(target)) {
    if (entry === 'node_modules' || entry === 'dist' || (entry.startsWith('.') && entry !== '.')) continue;
    listFiles(path.join(target, entry), out);
  }
}

/** `{ width, check, files }`, or `{ exitCode: 2 }` after printing why to stderr. */
function parseRewriteArgs(name, argv) {
  let width = 120;
  let check = false;
  const targets = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--check') check = true;
    else if (argv[i] === '--width') width = Number(argv[++i]);
    else targets.push(argv[i]);
  }
  if (!Number.isInteger(width) || width < 40 || targets.length === 0) {
    process.stderr.write(`usage: node scripts/${name}.js [--check] [--width 120] <file|folder>...\n`);
    return { exitCode: 2 };
  }
  const files = [];
  for (const t of targets) {
    if (!fs.existsSync(t)) {
      process.stderr.write(`${name}: ${t}: no such file or folder\n`);
      return { exitCode: 2 };
    }
    listFiles(t, files);
  }
  return { width, check, files };
}

module.exports = { parseRewriteArgs };
