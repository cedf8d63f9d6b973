// Where PostgreSQL's server binaries (initdb, pg_ctl, postgres) are: TAILOR_PG_BIN, then PATH, then Debian's
// versioned folders (/usr/lib/postgresql/<major>/bin, newest first), which are not on PATH by default.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function hasServer(dir) {
  return ['initdb', 'pg_ctl'].every((b) => fs.existsSync(path.join(dir, b)));
}

/** The folder holding initdb and pg_ctl, or undefined. */
function findPostgresBin(env = process.env) {
  if (env.TAILOR_PG_BIN) return hasServer(env.TAILOR_PG_BIN) ? env.TAILOR_PG_BIN : undefined;
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) if (hasServer(dir)) return dir;
  const debian = '/usr/lib/postgresql';
  const majors = fs.existsSync(debian) ? fs.readdirSync(debian).filter((d) => /^\d+$/.test(d)) : [];
  for (const major of majors.sort((a, b) => Number(b) - Number(a))) {
    const dir = path.join(debian, major, 'bin');
    if (hasServer(dir)) return dir;
  }
  return undefined;
}

module.exports = { findPostgresBin };
